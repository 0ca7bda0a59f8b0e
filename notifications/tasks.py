from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification


@shared_task(
    name="notifications.send_emails",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
    time_limit=120,
    soft_time_limit=100,
)
def send_notification_emails(notification_ids: list[int]) -> int:
    """Email each notification once: rows already emailed are skipped (idempotent)."""
    sent = 0
    for pk in notification_ids:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=True)
                .select_related("recipient")
                .filter(pk=pk, emailed_at__isnull=True)
                .first()
            )
            if notification is None:
                continue
            link = f"\n\n{settings.LEARNHUB_SITE_URL}{notification.url}" if notification.url else ""
            send_mail(
                subject=f"LearnHub: {notification.subject}",
                message=f"{notification.body}{link}\n",
                from_email=None,
                recipient_list=[notification.recipient.email],
            )
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at", "updated_at"])
            sent += 1
    return sent
