import smtplib
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from learnhub.tasks import RELIABLE, TRANSIENT_DATABASE_ERRORS
from notifications.models import Notification

#: Besides the database: the mail server refused or could not be reached.
EMAIL_RETRY: dict[str, Any] = {
    **RELIABLE,
    "autoretry_for": (
        *TRANSIENT_DATABASE_ERRORS,
        smtplib.SMTPException,
        ConnectionError,
        TimeoutError,
    ),
}


@shared_task(name="notifications.send_emails", **EMAIL_RETRY, time_limit=120, soft_time_limit=100)
def send_notification_emails(notification_ids: list[int]) -> int:
    """Email each notification at most once: rows already emailed (or being emailed by
    another worker) are skipped, so a repeated delivery sends nothing twice.

    At most once, not at least once: each email is claimed (``emailed_at`` set and
    committed) before it is sent, then sent outside any transaction. A send that fails
    with an error gives its claim back and the task retries; a worker killed between the
    claim and the send loses that one email. The email is a copy of an in-app
    notification the person still sees, and a second copy of every email after each
    crash (what sending inside the transaction gave) is worse than a rare missing one.
    """
    sent = 0
    for pk in notification_ids:
        notification = _claim(pk)
        if notification is None:
            continue
        link = f"\n\n{settings.LEARNHUB_SITE_URL}{notification.url}" if notification.url else ""
        try:
            send_mail(
                subject=f"LearnHub: {notification.subject}",
                message=f"{notification.body}{link}\n",
                from_email=None,
                recipient_list=[notification.recipient.email],
            )
        except Exception:
            # Not sent: give the claim back so the retry sends it.
            Notification.objects.filter(pk=pk, emailed_at=notification.emailed_at).update(
                emailed_at=None
            )
            raise
        sent += 1
    return sent


def _claim(pk: int) -> Notification | None:
    """Mark the notification ``pk`` emailed and commit, unless it was already (or another
    worker holds it). Returns it, or None if there is nothing to send."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=pk, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return None
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at", "updated_at"])
    return notification
