"""Project-wide background tasks, and the retry policy every app's tasks share."""

from typing import Any

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from learnhub.models import Heartbeat
from learnhub.outbox import outbox_sweep

#: Errors worth trying again: the database went away or refused a connection.
TRANSIENT_DATABASE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)

#: What every follow-up task shares. A message is acknowledged only when its task has
#: finished, and one whose worker died goes back to the queue; transient errors are
#: retried with jittered backoff up to ten minutes apart for about an hour (a database
#: restart, a failover). A task that still fails is not lost: its outbox row is not
#: done, so the outbox sweeper sends it again later (``learnhub.outbox``). Each task
#: that uses this must be idempotent.
RELIABLE: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT_DATABASE_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 12,
}


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


@shared_task(name="learnhub.outbox_sweep", time_limit=120, soft_time_limit=100)
def outbox_sweep_task() -> int:
    """Beat (and each worker as it starts): publish the outbox rows that are due.

    Not retried: the next tick is the retry. Duplicate ticks are harmless (locked rows
    are skipped, published rows are not due again until their wait has passed).
    """
    return outbox_sweep()
