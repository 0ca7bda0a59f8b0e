import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notify
from tests.partnerships.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_notify_stores_one_notice_per_person_and_emails_each_once():
    alice, bob = UserFactory.create(), UserFactory.create()

    notify(recipients=[alice, bob, alice], kind="test", subject="Consent changed", body="Words.")

    assert Notification.objects.filter(recipient=alice).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alice.email, bob.email])
    assert mail.outbox[0].subject == "LearnHub: Consent changed"
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_sending_again_sends_nothing_new():
    from notifications.tasks import send_notification_emails

    alice = UserFactory.create()
    [notification] = notify(recipients=[alice], kind="test", subject="Hello", body="Words.")

    assert send_notification_emails(notification_ids=[notification.pk]) == 0
    assert len(mail.outbox) == 1


def test_people_see_only_their_own_notifications_and_can_mark_them_read(api_client):
    alice, bob = UserFactory.create(), UserFactory.create()
    notify(recipients=[alice], kind="test", subject="For Alice", body="A")
    notify(recipients=[bob], kind="test", subject="For Bob", body="B")
    api_client.force_authenticate(alice)

    listed = api_client.get(reverse("api:notification-list")).json()
    marked = api_client.post(reverse("api:notification-mark-read"), {}, format="json").json()

    assert [n["subject"] for n in listed["results"]] == ["For Alice"]
    assert marked == {"marked": 1}
    assert Notification.objects.get(recipient=bob).read_at is None


def test_notifications_page_lists_mine(client):
    alice = UserFactory.create()
    notify(recipients=[alice], kind="test", subject="Draft brief ready", body="Have a look.")
    client.force_login(alice)

    page = client.get(reverse("notifications:notification-list"))

    assert page.status_code == 200
    assert "Draft brief ready" in page.content.decode()


def test_notify_members_tells_each_active_member_once_per_message_and_emails_them():
    from notifications.services import MembersMessage, notify_members
    from tests.partnerships.factories import OrganisationFactory, add_member, admin_of

    charity, foundation, other = (OrganisationFactory.create() for _ in range(3))
    both = add_member(charity)
    add_member(foundation, user=both)  # in two of the message's organisations
    only_charity = add_member(charity)
    left = add_member(foundation)
    left.is_active = False
    left.save(update_fields=["is_active"])
    outsider = add_member(other)

    ids = notify_members(
        [
            MembersMessage(
                organisation_ids=[charity.pk, foundation.pk, charity.pk],
                kind="test",
                subject="Draft ready",
                body="Have a look.",
                url="/briefs/1/",
            ),
            MembersMessage(organisation_ids=[other.pk], kind="test", subject="Other", body="B"),
            MembersMessage(organisation_ids=[], kind="test", subject="Nobody", body="C"),
        ]
    )

    stored = Notification.objects.filter(pk__in=ids)
    by_subject = {
        subject: sorted(stored.filter(subject=subject).values_list("recipient_id", flat=True))
        for subject in ("Draft ready", "Other", "Nobody")
    }
    members = {admin_of(charity).pk, admin_of(foundation).pk, both.pk, only_charity.pk}
    assert by_subject["Draft ready"] == sorted(members)
    assert left.pk not in by_subject["Draft ready"]
    assert outsider.pk in by_subject["Other"]
    assert by_subject["Nobody"] == []
    ready = stored.get(recipient=both, subject="Draft ready")
    assert (ready.kind, ready.body, ready.url, ready.read_at) == (
        "test",
        "Have a look.",
        "/briefs/1/",
        None,
    )
    assert ready.created_at is not None
    assert sorted(m.to[0] for m in mail.outbox if "Draft ready" in m.subject) == sorted(
        type(both).objects.filter(pk__in=members).values_list("email", flat=True)
    )
    assert Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).count() == 0


def test_notify_members_splits_many_organisations_over_statements(monkeypatch):
    from notifications import services
    from tests.partnerships.factories import OrganisationFactory, add_member

    monkeypatch.setattr(services, "MEMBERS_ROWS_PER_INSERT", 2)
    organisations = [OrganisationFactory.create() for _ in range(3)]
    shared = add_member(organisations[0])
    for organisation in organisations[1:]:
        add_member(organisation, user=shared)

    ids = services.notify_members(
        [
            services.MembersMessage(
                organisation_ids=[o.pk for o in organisations], kind="t", subject="All", body="x"
            ),
            services.MembersMessage(
                organisation_ids=[organisations[0].pk], kind="t", subject="One", body="y"
            ),
        ]
    )

    # A message is never split, so a person in all three organisations hears once.
    assert Notification.objects.filter(pk__in=ids, recipient=shared, subject="All").count() == 1
    assert Notification.objects.filter(pk__in=ids, recipient=shared, subject="One").count() == 1


def test_emails_go_out_a_hundred_to_a_task(monkeypatch, task_runs):
    from notifications import services, tasks

    monkeypatch.setattr(services, "EMAILS_PER_TASK", 2)
    batches = task_runs(tasks.send_notification_emails)
    people = [UserFactory.create() for _ in range(5)]

    notify(recipients=people, kind="test", subject="Hello", body="Words.")

    assert [len(batch) for batch in batches] == [2, 2, 1]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
