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
