"""A follow-up whose task gave up (a database outage longer than its retries) is not lost:
the outbox sweeper sends it again until it succeeds."""

import datetime

import pytest
from django.db import OperationalError
from django.utils import timezone

from evidence.models import InsightBrief
from evidence.services import briefs as brief_services
from learnhub.celery import app as celery_app
from learnhub.models import OutboxMessage
from learnhub.outbox import outbox_sweep
from tests.evidence.briefs_scene import add_evidence, brief_scene, decide, drafted

pytestmark = pytest.mark.django_db


def test_a_re_render_that_gave_up_runs_again_from_the_outbox(
    monkeypatch, django_capture_on_commit_callbacks
):
    scene = brief_scene()
    item = add_evidence(scene.grantee_party)
    brief = drafted(scene)
    assert list(brief.cited_evidence.values_list("pk", flat=True)) == [item.pk]
    rerender = brief_services.briefs_rerender_for_party
    calls: list[int] = []

    def database_down(*, party_id: int) -> int:
        calls.append(party_id)
        raise OperationalError("the database system is starting up")

    # Given a withdrawal whose re-render fails on every retry (errors are reported, as a
    # worker does, not raised into the test)
    before = OutboxMessage.objects.order_by("pk").last()
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)
    monkeypatch.setattr("evidence.tasks.briefs_rerender_for_party", database_down)
    with django_capture_on_commit_callbacks(execute=True):
        decide(scene.grantee_party, "participate", "withdraw")

    row = OutboxMessage.objects.get(
        task="evidence.rerender_briefs_for_party", pk__gt=before.pk if before else 0
    )
    assert len(calls) > 5  # it was retried, then gave up
    assert row.done_at is None
    assert list(brief.cited_evidence.values_list("pk", flat=True)) == [item.pk]

    # When the database is back and the sweeper runs
    monkeypatch.setattr("evidence.tasks.briefs_rerender_for_party", rerender)
    outbox_sweep(now=timezone.now() + datetime.timedelta(hours=1))

    # Then the re-render ran and the row is done
    row.refresh_from_db()
    assert row.done_at is not None
    brief = InsightBrief.objects.get(pk=brief.pk)
    assert list(brief.cited_evidence.values_list("pk", flat=True)) == []


def test_beat_sweeps_the_outbox():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["learnhub-outbox-sweep"]

    assert entry["task"] == "learnhub.outbox_sweep"
    assert entry["schedule"] == settings.LEARNHUB_OUTBOX_SWEEP_SECONDS == 30.0
