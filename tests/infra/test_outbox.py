"""A committed write is a success, whatever the broker is doing (the transactional outbox).

These tests stop nothing shared: LearnHub is pointed at a port where nothing listens (a
Redis that is down), then a Redis server of the test's own is started there, with a real
``celery worker`` that writes into this test's PostgreSQL database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection, connections

from consent.models import ConsentRecord
from evidence.models import InsightBrief
from learnhub.celery import app as celery_app
from learnhub.models import OutboxMessage
from learnhub.outbox import outbox_send, outbox_sweep
from notifications.models import Notification
from tests.consent.helpers import api_url
from tests.evidence.briefs_scene import add_evidence, brief_scene, client_for, drafted
from tests.infra.redis_server import RedisServer, redis_server  # noqa: F401 - a fixture

pytestmark = [
    pytest.mark.needs_redis,
    pytest.mark.needs_postgres,
    pytest.mark.django_db(transaction=True),
]

REPO = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 90
DROPPED = ("DATABASE_URL", "REDIS_URL", "DJANGO_", "LEARNHUB_", "CELERY_")


def _database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"]) + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def publishing_to(monkeypatch: pytest.MonkeyPatch, redis_server: RedisServer) -> RedisServer:  # noqa: F811
    """This process publishes for real (not eagerly) to ``redis_server``, down for now."""
    conf = celery_app.conf
    monkeypatch.setitem(conf, "task_always_eager", False)
    monkeypatch.setitem(conf, "broker_url", redis_server.url)
    return redis_server


@pytest.fixture
def worker(tmp_path: Path, publishing_to: RedisServer) -> Iterator[subprocess.Popen[bytes]]:
    """``start()`` a real Celery worker on the test's Redis and database."""
    processes: list[subprocess.Popen[bytes]] = []
    log = tmp_path / "worker.log"

    def start() -> subprocess.Popen[bytes]:
        environment = {k: v for k, v in os.environ.items() if not k.startswith(DROPPED)}
        environment.update(
            DJANGO_SETTINGS_MODULE="learnhub.settings.local",
            DJANGO_DEBUG="false",
            LEARNHUB_ENV_FILE=os.devnull,
            LEARNHUB_VAR_DIR=str(tmp_path / "var"),
            LEARNHUB_CELERY_QUEUE=str(celery_app.conf.task_default_queue),
            DATABASE_URL=_database_url(),
            REDIS_URL=publishing_to.url,
        )
        with log.open("ab") as out:
            process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "celery", "--app", "learnhub", "worker",
                 "--loglevel", "INFO", "--concurrency", "1", "--without-gossip",
                 "--without-mingle", "--without-heartbeat"],
                cwd=REPO, env=environment, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        processes.append(process)
        return process

    start.log = log  # type: ignore[attr-defined]
    try:
        yield start  # type: ignore[misc]
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def _wait_for(check, what: str, log: Path) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    text = log.read_text()[-4000:] if log.exists() else ""
    pytest.fail(f"{what} did not happen within {WAIT_SECONDS} s\n{text}")


def test_a_withdrawal_while_redis_is_down_succeeds_and_its_follow_ups_run_when_it_returns(
    publishing_to: RedisServer, worker
) -> None:
    # Given a drafted brief citing a grantee's evidence (drafted while Celery runs eagerly)
    celery_app.conf.task_always_eager = True
    scene = brief_scene()
    item = add_evidence(scene.grantee_party)
    brief = drafted(scene)
    celery_app.conf.task_always_eager = False
    assert list(brief.cited_evidence.values_list("pk", flat=True)) == [item.pk]
    OutboxMessage.objects.all().delete()
    told_before = set(Notification.objects.values_list("pk", flat=True))

    # When the grantee withdraws "participate" while Redis is down
    started = time.monotonic()
    response = client_for(scene.grantee_admin).post(
        api_url("consent-list", partnership_pk=scene.partnership.pk),
        {"purpose": "participate", "decision": "withdraw"},
        format="json",
    )
    took = time.monotonic() - started

    # Then the withdrawal is saved and the answer says so, at once
    assert response.status_code == 201, response.content
    assert took < 2
    assert ConsentRecord.objects.filter(party=scene.grantee_party, decision="withdraw").count() == 1
    # and its follow-ups wait in the outbox: the re-render and the learning partner's email
    told = sorted(set(Notification.objects.values_list("pk", flat=True)) - told_before)
    assert told
    waiting = list(OutboxMessage.objects.order_by("pk"))
    assert [(row.task, row.args) for row in waiting] == [
        ("evidence.rerender_briefs_for_party", [scene.grantee_party.pk]),
        ("notifications.send_emails", [told]),
    ]
    assert all(row.sent_at is None and row.done_at is None for row in waiting)
    assert all("Connection refused" in row.last_error for row in waiting)
    assert list(brief.cited_evidence.values_list("pk", flat=True)) == [item.pk]

    # When Redis comes back and a worker starts (it asks for a sweep as it starts)
    publishing_to.start()
    worker()

    # Then the sweeper publishes each follow-up, the worker runs it, and it is done
    _wait_for(
        lambda: not OutboxMessage.objects.filter(done_at__isnull=True).exists(),
        "every follow-up running",
        worker.log,
    )
    assert list(OutboxMessage.objects.values_list("attempts", flat=True)) == [1, 1]
    brief = InsightBrief.objects.get(pk=brief.pk)
    assert list(brief.cited_evidence.values_list("pk", flat=True)) == []
    emailed = Notification.objects.filter(pk__in=told).values_list("emailed_at", flat=True)
    assert all(at is not None for at in emailed)


def test_duplicate_sweeps_at_once_publish_each_row_once(publishing_to: RedisServer) -> None:
    # Given three follow-ups recorded while Redis was down
    ids = [outbox_send(task="learnhub.heartbeat").pk for _ in range(3)]
    assert OutboxMessage.objects.filter(pk__in=ids, sent_at__isnull=True).count() == 3
    publishing_to.start()

    # When four sweeps run at the same moment, and then four more
    published: list[int] = []
    barrier = threading.Barrier(4)

    def sweep() -> None:
        try:
            barrier.wait(timeout=10)
            published.append(outbox_sweep())
        finally:
            connections.close_all()

    for _ in range(2):
        threads = [threading.Thread(target=sweep) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    # Then each row was published exactly once
    queue = str(celery_app.conf.task_default_queue)
    assert sum(published) == 3
    assert publishing_to.client().llen(queue) == 3
    assert list(OutboxMessage.objects.order_by("pk").values_list("attempts", flat=True)) == [1] * 3
