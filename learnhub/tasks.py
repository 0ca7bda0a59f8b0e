"""Project-wide background tasks."""

from typing import Any

from celery import Task, shared_task
from django.utils import timezone

from learnhub.models import Heartbeat


@shared_task(bind=True, name="learnhub.heartbeat", time_limit=30, soft_time_limit=20)
def heartbeat(self: Task[Any, Any]) -> dict[str, str]:
    """Record that a worker is alive and consuming the queue (beat sends this every minute).

    Idempotent: it keeps a single row current, however often it runs.
    """
    row, _ = Heartbeat.objects.update_or_create(
        id=Heartbeat.SINGLETON_ID,
        defaults={"beat_at": timezone.now(), "worker": self.request.hostname or "unknown"},
    )
    return {"worker": row.worker, "beat_at": row.beat_at.isoformat()}
