"""Each notification is emailed at most once, whatever happens to the worker sending it."""

import smtplib

import pytest

from notifications.models import Notification
from notifications.services import notify
from notifications.tasks import send_notification_emails
from tests.partnerships.factories import UserFactory

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """What the worker's death looks like from inside: nothing after it runs."""


def _one_notification():  # type: ignore[no-untyped-def]
    person = UserFactory.create()
    # The test's transaction never commits, so the email task is run by hand below.
    [notification] = notify(recipients=[person], kind="test", subject="Hello", body="Words.")
    return person, notification


def test_a_worker_killed_just_after_sending_does_not_send_again(monkeypatch):
    person, notification = _one_notification()
    sent: list[list[str]] = []

    def send_then_die(**email: object) -> None:
        sent.append(email["recipient_list"])  # type: ignore[arg-type]
        raise WorkerKilled

    monkeypatch.setattr("notifications.tasks.send_mail", send_then_die)
    with pytest.raises(WorkerKilled):
        send_notification_emails.run([notification.pk])

    # The message comes back to another worker (acks_late), which runs the task again.
    monkeypatch.setattr(
        "notifications.tasks.send_mail", lambda **email: sent.append(email["recipient_list"])
    )
    again = send_notification_emails.run([notification.pk])

    assert again == 0
    assert sent == [[person.email]]
    assert Notification.objects.get(pk=notification.pk).emailed_at is not None


def test_an_email_the_mail_server_refused_is_sent_on_the_retry(monkeypatch):
    person, notification = _one_notification()
    sent: list[list[str]] = []

    def refuse(**email: object) -> None:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("notifications.tasks.send_mail", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        send_notification_emails.run([notification.pk])
    assert Notification.objects.get(pk=notification.pk).emailed_at is None

    monkeypatch.setattr(
        "notifications.tasks.send_mail", lambda **email: sent.append(email["recipient_list"])
    )
    again = send_notification_emails.run([notification.pk])

    assert again == 1
    assert sent == [[person.email]]
