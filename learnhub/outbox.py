"""The transactional outbox: follow-up tasks that a broker outage delays and never loses.

A service that needs a task after its write calls ``outbox_send`` inside its transaction:
the row commits with the write or not at all. After commit, ``outbox_dispatch`` tries
once to hand the rows to the broker with a short timeout (a dead broker costs a tenth of
a second, never an error in the request). The ``learnhub.outbox_sweep`` task (beat, and
each worker as it starts) publishes again every row still not done whose
``next_attempt_at`` has passed: never published, published and lost (a flushed Redis),
or published and given up on (a database outage longer than the task's retries). The
worker marks a row done when its task succeeds (``outbox_mark_done``, on Celery's
``task_success``), found by the task id ``outbox-<row id>``.

Delivery is at least once: a task may run twice (a row published, then its ``sent_at``
lost with the database; a redelivery after a long queue), so every task sent this way is
idempotent. Tasks are sent by name, so an app can queue another app's task without
importing it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from celery import Task
from celery.signals import task_success, worker_ready
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from learnhub.celery import app
from learnhub.models import TASK_ID_PREFIX, OutboxMessage

logger = logging.getLogger(__name__)

#: A row republished again and again (a task that keeps failing) waits twice as long each
#: time, up to this.
LONGEST_WAIT = timedelta(hours=6)
#: Rows one sweep publishes; the next sweep takes the rest.
SWEEP_BATCH = 500
#: Done rows are kept this long (for an operator to look at), then deleted by the sweep.
KEEP_DONE = timedelta(days=7)


def outbox_send(
    *, task: str, args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None
) -> OutboxMessage:
    """Record that ``task`` must run with ``args``/``kwargs`` once the current transaction
    commits (at once outside one). Arguments must be JSON: ids, not objects."""
    return outbox_send_many([(task, list(args), kwargs or {})])[0]


def outbox_send_many(
    messages: Iterable[tuple[str, Sequence[Any], dict[str, Any]]],
) -> list[OutboxMessage]:
    """``outbox_send`` for many tasks in one statement."""
    rows = OutboxMessage.objects.bulk_create(
        OutboxMessage(task=task, args=list(args), kwargs=kwargs) for task, args, kwargs in messages
    )
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(lambda: outbox_dispatch(ids))
    return rows


def outbox_pending(*, tasks: Iterable[str]) -> list[OutboxMessage]:
    """The rows of ``tasks`` whose task has not succeeded yet (waiting, queued or running),
    so a caller can leave alone the work that is already on its way."""
    return list(OutboxMessage.objects.filter(task__in=list(tasks), done_at__isnull=True))


def outbox_dispatch(ids: Sequence[int]) -> int:
    """Publish the rows ``ids`` that nobody has published yet (after their commit).

    Never raises for the broker or the database: what cannot be published now stays for
    the sweeper. Rows another process holds (the sweeper) are skipped. Under
    ``CELERY_TASK_ALWAYS_EAGER`` (tests, local debugging) the tasks run here and now, and
    their errors propagate as an eager task's would. Returns how many were published.
    """
    if _eager():
        return _run_eagerly(ids)
    try:
        with transaction.atomic():
            rows = list(
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk__in=list(ids), sent_at__isnull=True, done_at__isnull=True)
                .order_by("pk")
            )
            return _publish(rows)
    except Exception:
        logger.exception("Outbox: could not publish %s now; the sweeper will.", list(ids))
        return 0


def outbox_sweep(*, now: datetime | None = None) -> int:
    """Publish every row not done whose time has come, oldest first, skipping rows another
    sweep or dispatch holds (so duplicate sweeps never publish a row twice), and delete
    done rows older than a week. Returns how many were published."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(done_at__isnull=True, next_attempt_at__lte=now)
            .order_by("pk")[:SWEEP_BATCH]
        )
        published = _eager_sweep(due) if _eager() else _publish(due, now=now)
    OutboxMessage.objects.filter(done_at__lt=now - KEEP_DONE).delete()
    return published


def outbox_mark_done(task_id: str | None) -> bool:
    """Mark the row behind the Celery task ``task_id`` done (its task succeeded)."""
    if not task_id or not task_id.startswith(TASK_ID_PREFIX):
        return False
    pk = task_id.removeprefix(TASK_ID_PREFIX)
    if not pk.isdigit():
        return False
    return bool(
        OutboxMessage.objects.filter(pk=int(pk), done_at__isnull=True).update(
            done_at=timezone.now()
        )
    )


def _eager() -> bool:
    return bool(app.conf.task_always_eager)


def _broker_timeout() -> float:
    return float(settings.LEARNHUB_BROKER_TIMEOUT_SECONDS)


def _wait_after(attempts: int) -> timedelta:
    """How long a published row waits for its task to succeed before it is sent again."""
    base = timedelta(seconds=float(settings.LEARNHUB_OUTBOX_REDELIVER_SECONDS))
    return min(base * (1 << max(0, attempts - 1)), LONGEST_WAIT)


def _publish(rows: Sequence[OutboxMessage], *, now: datetime | None = None) -> int:
    """Hand ``rows`` (locked by the caller) to the broker over one connection with short
    timeouts and no retries, stopping at the first failure (the broker is down: the rest
    would fail too). Records what was published."""
    if not rows:
        return 0
    timeout = _broker_timeout()
    published: list[OutboxMessage] = []
    error = ""
    try:
        with app.connection_for_write(
            connect_timeout=timeout,
            transport_options={
                "max_retries": 0,
                "socket_connect_timeout": timeout,
                "socket_timeout": timeout,
            },
        ) as connection:
            for row in rows:
                app.send_task(
                    row.task,
                    args=row.args,
                    kwargs=row.kwargs,
                    task_id=row.task_id,
                    ignore_result=True,
                    connection=connection,
                    retry=False,
                )
                published.append(row)
    except Exception as exc:  # the broker's and the transport's errors vary by transport
        error = f"{type(exc).__name__}: {exc}"[:500]
        logger.warning(
            "Outbox: the broker refused %s (%s); %d row(s) wait for the next sweep.",
            rows[len(published)],
            error,
            len(rows) - len(published),
        )
    now = now or timezone.now()
    for row in published:
        row.attempts += 1
        row.sent_at = now
        row.next_attempt_at = now + _wait_after(row.attempts)
        row.last_error = ""
        if row.attempts > 1:
            logger.warning("Outbox: %s sent again (attempt %d).", row, row.attempts)
    OutboxMessage.objects.bulk_update(
        published, ["attempts", "sent_at", "next_attempt_at", "last_error"]
    )
    if error:
        OutboxMessage.objects.filter(pk=rows[len(published)].pk).update(last_error=error)
    return len(published)


def _task_named(name: str) -> Any:
    if name not in app.tasks:
        # Task modules are imported on first need outside a worker (once per process).
        app.loader.import_default_modules()
    return app.tasks[name]


def _run_eagerly(ids: Sequence[int]) -> int:
    rows = OutboxMessage.objects.filter(pk__in=list(ids), done_at__isnull=True).order_by("pk")
    return _eager_sweep(list(rows))


def _eager_sweep(rows: Sequence[OutboxMessage]) -> int:
    for row in rows:
        OutboxMessage.objects.filter(pk=row.pk).update(
            attempts=row.attempts + 1, sent_at=timezone.now()
        )
        result = _task_named(row.task).apply(args=row.args, kwargs=row.kwargs, task_id=row.task_id)
        if result.successful():
            outbox_mark_done(row.task_id)
    return len(rows)


# --- The worker's side: Celery signals (connected when this module is imported, which
# ``LearnHubConfig.ready`` makes sure of in every process) ------------------------------

#: The outbox's sweeper (``learnhub.tasks``).
OUTBOX_SWEEP_TASK = "learnhub.outbox_sweep"


@task_success.connect
def _outbox_task_done(sender: Task[Any, Any] | None = None, **kwargs: object) -> None:
    """A task sent through the outbox succeeded: its row is done (the sweeper stops)."""
    if sender is None or not str(sender.request.id or "").startswith("outbox-"):
        return
    try:
        outbox_mark_done(sender.request.id)
    except Exception:
        # The database is away: the row stays, and the idempotent task runs once more.
        logger.exception("Outbox: could not mark %s done", sender.request.id)


@worker_ready.connect
def _sweep_outbox_on_start(**kwargs: object) -> None:
    """A worker that starts (after an outage, a deploy) publishes what waited for it."""
    try:
        app.send_task(OUTBOX_SWEEP_TASK, expires=60)
    except Exception:
        logger.exception("Outbox: could not ask for a sweep as the worker started")
