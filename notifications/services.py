"""Telling people things: an in-app notification per person, and the same by email."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Field, Model
from django.utils import timezone

from accounts.models import User
from learnhub.outbox import outbox_send_many
from notifications.models import Notification
from partnerships.models import Membership, Partnership
from partnerships.telling import Tidings


@transaction.atomic
def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    subject: str,
    body: str,
    url: str = "",
    partnership: Partnership | None = None,
) -> list[Notification]:
    """Store one notification per distinct recipient and email each after commit."""
    unique = {user.pk: user for user in recipients if user.is_active}
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            partnership=partnership,
            kind=kind,
            subject=subject,
            body=body,
            url=url,
        )
        for user in unique.values()
    )
    _email_after_commit([n.pk for n in notifications])
    return notifications


def _email_after_commit(ids: Sequence[int]) -> None:
    """Record (in the outbox, with the notifications) the emails of the notifications
    ``ids``, ``EMAILS_PER_TASK`` to a task, so a task stays well inside its time limit
    however many people are told. They are sent after commit."""
    outbox_send_many(
        (SEND_EMAILS_TASK, [list(ids[start : start + EMAILS_PER_TASK])], {})
        for start in range(0, len(ids), EMAILS_PER_TASK)
    )


def _column(model: type[Model], name: str) -> str:
    """The quoted column of ``model``'s field ``name``."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise TypeError(f"{model.__name__}.{name} has no column")
    return str(connection.ops.quote_name(field.column))


#: Emails one ``notifications.send_emails`` task sends (its time limit is two minutes).
EMAILS_PER_TASK = 100
SEND_EMAILS_TASK = "notifications.send_emails"
#: (message, organisation) rows per statement: well within SQLite's and PostgreSQL's
#: limits on bound parameters.
MEMBERS_ROWS_PER_INSERT = 500


@dataclass(frozen=True)
class MembersMessage:
    """One thing to tell every active member of some organisations (``notify_members``)."""

    organisation_ids: Sequence[int]
    kind: str
    subject: str
    body: str
    url: str = ""
    partnership_id: int | None = None


@transaction.atomic
def notify_members(messages: Sequence[MembersMessage]) -> list[int]:
    """``notify`` the active members of each message's organisations, for many messages
    in one ``INSERT … SELECT``: the database finds the people and writes a notification
    for each, once per message however many of its organisations they belong to, so no
    row passes through Python. One email task after commit. Returns the new ids.
    """
    # Whole messages per statement, so DISTINCT sees all of a message's organisations.
    ids: list[int] = []
    chunk: list[tuple[int, int]] = []
    for number, message in enumerate(messages):
        pairs = [(number, organisation) for organisation in sorted(set(message.organisation_ids))]
        if chunk and len(chunk) + len(pairs) > MEMBERS_ROWS_PER_INSERT:
            ids += _insert_for_members(messages, chunk)
            chunk = []
        chunk += pairs
    if chunk:
        ids += _insert_for_members(messages, chunk)
    ids.sort()
    _email_after_commit(ids)
    return ids


def _insert_for_members(
    messages: Sequence[MembersMessage], wanted: Sequence[tuple[int, int]]
) -> list[int]:
    """One ``INSERT … SELECT`` for ``wanted`` (message number, organisation id) pairs."""
    now = timezone.now()
    notification = Notification._meta
    membership = Membership._meta
    user = User._meta
    columns = ", ".join(
        _column(Notification, name)
        for name in (
            "created_at",
            "updated_at",
            "recipient",
            "partnership",
            "kind",
            "subject",
            "body",
            "url",
        )
    )
    rows = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(wanted))
    params: list[Any] = []
    for number, organisation_id in wanted:
        message = messages[number]
        params += [
            number,
            organisation_id,
            message.partnership_id,
            message.kind,
            message.subject,
            message.body,
            message.url,
        ]
    q = connection.ops.quote_name
    # VALUES columns are named column1, column2… in PostgreSQL and SQLite alike. DISTINCT
    # on (message, person) writes one row however many of the organisations they are in.
    # Identifiers are quoted from the models' metadata; every value is a bound parameter.
    chosen = (
        "SELECT DISTINCT CAST(v.column1 AS integer) AS message, m.{user_id} AS person, "  # noqa: S608
        "CAST(v.column3 AS bigint) AS partnership, v.column4 AS kind, v.column5 AS subject, "
        "v.column6 AS body, v.column7 AS url "
        f"FROM (VALUES {rows}) AS v "
        "JOIN {membership} m ON m.{organisation_id} = CAST(v.column2 AS bigint) "
        "JOIN {user} u ON u.{pk} = m.{user_id} "
        "WHERE u.{is_active}"
    )
    sql = (
        "INSERT INTO {notification} ({columns}) "  # noqa: S608
        "SELECT %s, %s, person, partnership, kind, subject, body, url "
        f"FROM ({chosen}) AS chosen "
        "RETURNING {id}"
    ).format(
        notification=q(notification.db_table),
        columns=columns,
        membership=q(membership.db_table),
        user=q(user.db_table),
        user_id=_column(Membership, "user"),
        organisation_id=_column(Membership, "organisation"),
        pk=_column(User, "id"),
        is_active=_column(User, "is_active"),
        id=_column(Notification, "id"),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, now, *params])
        return [row[0] for row in cursor.fetchall()]


def notification_mark_read(*, recipient: User, ids: Iterable[int] | None = None) -> int:
    """Mark the recipient's notifications (all, or the given ones) as read."""
    queryset = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.update(read_at=timezone.now())


@transaction.atomic
def notify_tidings(tidings: Sequence[Tidings]) -> list[Notification]:
    """``notify`` the people each of ``tidings`` names: the active members (or admins)
    of its organisations, less the person who acted. One query per tidings to find them;
    the partnerships services call this through ``partnerships.telling.tell``."""
    written: list[Notification] = []
    for tiding in tidings:
        # One filter() call, so the role is that of a membership of those organisations.
        roles = [Membership.Role.ADMIN] if tiding.admins_only else Membership.Role.values
        people = User.objects.filter(
            memberships__organisation_id__in=list(tiding.organisation_ids),
            memberships__role__in=roles,
            is_active=True,
        )
        if tiding.not_to is not None:
            people = people.exclude(pk=tiding.not_to)
        written += notify(
            recipients=people.distinct().order_by("pk"),
            kind=tiding.kind,
            subject=tiding.subject[: Notification._meta.get_field("subject").max_length or None],
            body=tiding.body,
            url=tiding.url,
            partnership=Partnership(pk=tiding.partnership_id),
        )
    return written
