"""``/healthz/`` tells load balancers and people whether the database and the worker are alive."""

import os
import socket
import time
from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.test import Client
from django.utils import timezone

from learnhub.models import Heartbeat
from learnhub.tasks import heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def embedded_broker(settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://localhost//"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(tmp_path),
        "data_folder_out": str(tmp_path),
    }
    settings.LEARNHUB_HEARTBEAT_SECONDS = 60


def _closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_before_any_heartbeat_the_worker_is_unknown_and_the_site_is_healthy(client: Client):
    response = client.get("/healthz/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": {"kind": "filesystem", "status": "ok"},
        "worker": {"status": "unknown", "last_heartbeat": None, "seconds_since": None},
    }


@pytest.mark.needs_redis
def test_a_redis_broker_that_answers_is_ok(client: Client, settings):
    settings.CELERY_BROKER_URL = os.environ["REDIS_URL"]
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}

    response = client.get("/healthz/")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["broker"] == {"kind": "redis", "status": "ok"}


def test_a_redis_broker_that_does_not_answer_makes_the_site_unhealthy_quickly(
    client: Client, settings
):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}

    started = time.monotonic()
    response = client.get("/healthz/")
    took = time.monotonic() - started

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "ok",
        "broker": {"kind": "redis", "status": "error"},
        "worker": {"status": "unknown", "last_heartbeat": None, "seconds_since": None},
    }
    assert took < 2


def test_a_recent_heartbeat_shows_the_worker_is_running(client: Client, monkeypatch):
    now = timezone.now()
    monkeypatch.setattr("learnhub.views.timezone.now", lambda: now)
    beat_at = now - timedelta(seconds=150)
    Heartbeat.objects.create(beat_at=beat_at, worker="celery@worker-1")

    body = client.get("/healthz/").json()

    assert body["worker"] == {
        "status": "ok",
        "last_heartbeat": beat_at.isoformat(),
        "seconds_since": 150,
    }


def test_three_missed_heartbeats_mark_the_worker_stale_but_the_site_stays_up(client: Client):
    Heartbeat.objects.create(beat_at=timezone.now() - timedelta(seconds=181), worker="w")

    response = client.get("/healthz/")

    assert response.status_code == 200
    assert response.json()["worker"]["status"] == "stale"


def test_the_broker_is_named_by_kind_only_never_by_its_address(client: Client, settings):
    settings.CELERY_BROKER_URL = "redis://:s3cret-password@redis.internal:6379/0"

    response = client.get("/healthz/")

    assert response.json()["broker"] == {"kind": "redis", "status": "error"}
    assert b"s3cret" not in response.content
    assert b"redis.internal" not in response.content


def test_the_worker_name_is_not_shown(client: Client):
    Heartbeat.objects.create(beat_at=timezone.now(), worker="celery@host-7f3a")

    response = client.get("/healthz/")

    assert b"host-7f3a" not in response.content


def test_an_unreachable_database_answers_503(client: Client, monkeypatch):
    def unreachable(*args: object, **kwargs: object) -> None:
        raise DatabaseError("connection refused")

    monkeypatch.setattr(Heartbeat.objects, "filter", unreachable)

    response = client.get("/healthz/")

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "error",
        "broker": {"kind": "filesystem", "status": "ok"},
        "worker": {"status": "unknown", "last_heartbeat": None, "seconds_since": None},
    }


def test_only_get_is_allowed(client: Client):
    response = client.post("/healthz/")

    assert response.status_code == 405
    assert Heartbeat.objects.count() == 0


def test_the_heartbeat_task_keeps_one_row_however_often_it_runs():
    first = heartbeat.delay().get()
    second = heartbeat.delay().get()

    assert Heartbeat.objects.count() == 1
    row = Heartbeat.objects.get()
    assert row.beat_at.isoformat() == second["beat_at"]
    assert second["beat_at"] > first["beat_at"]
