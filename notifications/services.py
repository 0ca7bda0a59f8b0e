"""Telling people things: an in-app notification per person, and the same by email."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from notifications.models import Notification
from partnerships.models import Partnership


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
    if notifications:
        from notifications.tasks import send_notification_emails

        ids = [n.pk for n in notifications]
        transaction.on_commit(lambda: send_notification_emails.delay(ids))
    return notifications


def notification_mark_read(*, recipient: User, ids: Iterable[int] | None = None) -> int:
    """Mark the recipient's notifications (all, or the given ones) as read."""
    queryset = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.update(read_at=timezone.now())
