"""The schedule under interruptions, duplicate ticks and briefs held by a drafting worker:
every brief still drafting is queued, once, and a held brief is left to its holder."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.db import connections, transaction
from django.utils import timezone

from evidence.models import InsightBrief
from evidence.periods import last_ended_period, london_today
from evidence.services.briefs import briefs_draft_due
from learnhub.celery import app as celery_app
from learnhub.models import OutboxMessage
from partnerships.models import Partnership
from tests.evidence.briefs_scene import activate, add_evidence, brief_scene
from tests.infra.redis_server import RedisServer, redis_server  # noqa: F401 - a fixture

UTC = datetime.UTC


def _active_scene():  # type: ignore[no-untyped-def]
    scene = brief_scene()
    activate(scene)
    Partnership.objects.filter(pk=scene.partnership.pk).update(
        status_changed_at=datetime.datetime(2026, 1, 1, tzinfo=UTC)
    )
    return scene


def _due_period():  # type: ignore[no-untyped-def]
    return last_ended_period(london_today(), "monthly")


@pytest.mark.django_db
def test_briefs_left_drafting_by_an_interrupted_run_are_queued_by_the_next(
    django_capture_on_commit_callbacks,
):
    # Given briefs a run made and never queued (it stopped in between)
    period = _due_period()
    scenes = [_active_scene() for _ in range(3)]
    for scene in scenes:
        add_evidence(scene.grantee_party, occurred_on=period.end)
    left = [
        InsightBrief.objects.create(
            partnership=scene.partnership, period_start=period.start, period_end=period.end
        ).pk
        for scene in scenes
    ]

    # When the next tick runs, a minute later
    with django_capture_on_commit_callbacks(execute=True):
        queued = briefs_draft_due(now=timezone.now() + datetime.timedelta(minutes=1))

    # Then every one of them is queued and drafted
    assert sorted(queued) == sorted(left)
    assert InsightBrief.objects.filter(pk__in=left, status=InsightBrief.Status.DRAFT).count() == 3


@pytest.mark.needs_redis
@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_ticks_deliver_each_batch_once(
    settings,
    monkeypatch,
    redis_server: RedisServer,  # noqa: F811
):
    # Given four due briefs in batches of one, a live Redis and no worker yet
    settings.LEARNHUB_BRIEF_DRAFT_BATCH = 1
    for _ in range(4):
        _active_scene()
    redis_server.start()
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_url", redis_server.url)

    # When beat ticks twenty times, five minutes apart, while the tasks wait in the queue
    start = timezone.now()
    runs = [briefs_draft_due(now=start + datetime.timedelta(minutes=5 * n)) for n in range(20)]

    # Then four deliveries were made, one per batch
    queue = str(celery_app.conf.task_default_queue)
    assert [len(run) for run in runs] == [4] + [0] * 19
    assert redis_server.client().llen(queue) == 4
    assert OutboxMessage.objects.filter(task="evidence.draft_briefs").count() == 4


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_brief_a_worker_is_drafting_is_skipped_without_waiting():
    # Given a brief left drafting long ago, whose row a worker holds while it drafts
    period = _due_period()
    scene = _active_scene()
    brief = InsightBrief.objects.create(
        partnership=scene.partnership, period_start=period.start, period_end=period.end
    )
    InsightBrief.objects.filter(pk=brief.pk).update(
        updated_at=timezone.now() - datetime.timedelta(hours=1)
    )
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                list(InsightBrief.objects.select_for_update().filter(pk=brief.pk))
                held.set()
                release.wait(30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(30)
    try:
        # When beat ticks meanwhile
        started = time.monotonic()
        during = briefs_draft_due()
        took = time.monotonic() - started
    finally:
        release.set()
        holder.join(30)
    # and again once the worker has let go (its task never succeeded)
    after = briefs_draft_due()

    # Then the tick skipped the held brief at once, and the next one queued it
    assert during == []
    assert took < 5
    assert after == [brief.pk]
