"""Exactly one complete brief per partnership and period, with real Celery workers.

Real ``celery worker`` processes (as ``make run`` and docker compose start them) consume
from Redis (database 9, a queue of each test's own) and write into this test's
PostgreSQL database, so the tests are transactional. Each scenario ends with exactly one
brief for the period, drafted exactly once: duplicate beat ticks, the same task
delivered several times, two workers racing, and a worker killed while it drafts
(``acks_late`` + ``reject_on_worker_lost`` hand the task to another worker).
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import Celery
from django.db import OperationalError, connection, transaction

from evidence.models import InsightBrief
from evidence.periods import last_ended_period, london_today
from notifications.models import Notification
from partnerships.models import ActivityEvent, Partnership
from tests.evidence.briefs_scene import activate, add_evidence, brief_scene

pytestmark = [pytest.mark.needs_redis, pytest.mark.needs_postgres]

REPO = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 90
REDIS_DB = 9
DROPPED = ("DATABASE_URL", "REDIS_URL", "DJANGO_", "LEARNHUB_", "CELERY_")


def _redis_url() -> str:
    base = os.environ["REDIS_URL"].rstrip("/")
    scheme, _, rest = base.partition("://")
    host = rest.split("/", 1)[0]
    return f"{scheme}://{host}/{REDIS_DB}"


def _database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"]) + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


@dataclass
class Workers:
    var_dir: Path
    queue: str
    processes: list[tuple[subprocess.Popen[bytes], Path]] = field(default_factory=list)

    def start(self, name: str, *, slow_drafting: int = 0, **env: str) -> subprocess.Popen[bytes]:
        """Start a worker; with ``slow_drafting``, one whose drafting sleeps that many
        seconds while it holds the locks (``tests/slow_drafting.py``)."""
        environment = {k: v for k, v in os.environ.items() if not k.startswith(DROPPED)}
        environment.update(
            DJANGO_SETTINGS_MODULE="learnhub.settings.local",
            DJANGO_DEBUG="false",
            LEARNHUB_ENV_FILE=os.devnull,
            LEARNHUB_VAR_DIR=str(self.var_dir),
            LEARNHUB_CELERY_QUEUE=self.queue,
            DATABASE_URL=_database_url(),
            REDIS_URL=_redis_url(),
            **env,
        )
        # The product's own worker command, or the same worker with its drafting slowed.
        program = ["tests.slow_drafting"] if slow_drafting else ["celery", "--app", "learnhub"]
        if slow_drafting:
            environment["SLOW_DRAFTING_SECONDS"] = str(slow_drafting)
        log = self.var_dir / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    *program,
                    "worker",
                    "--loglevel",
                    "INFO",
                    "--concurrency",
                    "1",
                    "--hostname",
                    f"{name}-{self.queue}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=REPO,
                env=environment,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.processes.append((process, log))
        return process

    def logs(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()[-4000:]}" for _, log in self.processes)

    def stop(self) -> None:
        for process, _ in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process, _ in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def wait_until_ready(self, process: subprocess.Popen[bytes], log: str = "ready.") -> None:
        path = next(p for proc, p in self.processes if proc is process)
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            assert process.poll() is None, f"a worker exited early\n{self.logs()}"
            if log in path.read_text():
                return
            time.sleep(0.2)
        pytest.fail(f"a worker did not start within {WAIT_SECONDS} s\n{self.logs()}")


@pytest.fixture
def workers(transactional_db: None, tmp_path: Path) -> Iterator[Workers]:
    started = Workers(tmp_path / "var", f"learnhub-briefs-{uuid.uuid4().hex}")
    started.var_dir.mkdir()
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
def client(workers: Workers) -> Iterator[Celery]:
    # set_as_current=False: shared tasks in this process keep using the eager test app.
    app = Celery(
        "learnhub-brief-tests", broker=_redis_url(), backend=_redis_url(), set_as_current=False
    )
    app.conf.update(task_default_queue=workers.queue)
    yield app
    app.close()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            found.append(int(entry.name))
    return found


def _wait_for(check, what: str, workers: Workers) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    pytest.fail(f"{what} did not happen within {WAIT_SECONDS} s\n{workers.logs()}")


def _is_locked(brief_id: int) -> bool:
    """Whether another transaction holds the brief's row lock (a worker drafting it)."""
    try:
        with transaction.atomic():
            list(InsightBrief.objects.select_for_update(nowait=True).filter(pk=brief_id))
    except OperationalError:
        return True
    return False


def _scene_with_evidence(day: datetime.date = datetime.date(2026, 10, 10)):  # type: ignore[no-untyped-def]
    scene = brief_scene()
    items = [
        add_evidence(scene.grantee_party, questions=[scene.q1], occurred_on=day) for _ in range(3)
    ]
    items.append(
        add_evidence(scene.grantee2_party, kind="quote", questions=[scene.q2], occurred_on=day)
    )
    return scene, sorted(item.pk for item in items)


def _assert_one_complete_brief(scene, period, evidence_ids: list[int]) -> None:  # type: ignore[no-untyped-def]
    briefs = InsightBrief.objects.filter(partnership=scene.partnership)
    assert briefs.count() == 1
    brief = briefs.get()
    assert (brief.period_start, brief.period_end) == period
    assert brief.status == InsightBrief.Status.DRAFT
    assert brief.sections[0]["counts"]["evidence"] == evidence_ids
    assert sorted(brief.cited_evidence.values_list("pk", flat=True)) == evidence_ids
    # Drafted exactly once: one timeline line, one notice per learning partner person.
    assert (
        ActivityEvent.objects.filter(partnership=scene.partnership, verb="brief_drafted").count()
        == 1
    )
    assert Notification.objects.filter(kind="brief_draft_ready").count() == 2


def test_the_same_task_delivered_several_times_to_racing_workers_drafts_once(workers, client):
    scene, evidence_ids = _scene_with_evidence()
    period = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
    brief = InsightBrief.objects.create(
        partnership=scene.partnership, period_start=period[0], period_end=period[1]
    )
    first = workers.start("first")
    second = workers.start("second")
    workers.wait_until_ready(first)
    workers.wait_until_ready(second)

    results = [client.send_task("evidence.draft_brief", args=[brief.pk]) for _ in range(4)]
    # disable_sync_subtasks=False: this process is not a worker, whatever Celery's global
    # "inside a task" flag says after other tests in this process ran eager tasks.
    outcomes = [result.get(timeout=WAIT_SECONDS, disable_sync_subtasks=False) for result in results]

    assert outcomes == ["draft"] * 4
    _assert_one_complete_brief(scene, period, evidence_ids)


def test_duplicate_beat_ticks_on_two_workers_make_one_brief(workers, client):
    ended = last_ended_period(london_today(), "monthly")
    scene, in_period = _scene_with_evidence(ended.end)
    activate(scene)
    Partnership.objects.filter(pk=scene.partnership.pk).update(
        status_changed_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    first = workers.start("first")
    second = workers.start("second")
    workers.wait_until_ready(first)
    workers.wait_until_ready(second)

    ticks = [client.send_task("evidence.draft_due_briefs") for _ in range(3)]
    queued = [tick.get(timeout=WAIT_SECONDS, disable_sync_subtasks=False) for tick in ticks]
    _wait_for(
        lambda: InsightBrief.objects.filter(
            partnership=scene.partnership, status=InsightBrief.Status.DRAFT
        ).exists(),
        "drafting the brief",
        workers,
    )

    assert sorted(len(q) for q in queued) == [0, 0, 1]
    _assert_one_complete_brief(scene, (ended.start, ended.end), in_period)


def test_a_worker_killed_while_drafting_hands_the_brief_to_another(workers, client):
    scene, evidence_ids = _scene_with_evidence()
    period = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
    brief = InsightBrief.objects.create(
        partnership=scene.partnership, period_start=period[0], period_end=period[1]
    )
    slow = workers.start("slow", slow_drafting=60, LEARNHUB_REDIS_VISIBILITY_TIMEOUT="5")
    workers.wait_until_ready(slow)

    client.send_task("evidence.draft_brief", args=[brief.pk])
    _wait_for(lambda: _is_locked(brief.pk), "the slow worker locking the brief", workers)
    pool = _children(slow.pid)
    assert pool, workers.logs()
    for pid in pool:
        os.kill(pid, signal.SIGKILL)  # the process drafting dies mid-task
    _wait_for(lambda: "WorkerLostError" in workers.logs(), "the worker noticing", workers)
    os.killpg(slow.pid, signal.SIGKILL)  # and the whole worker with it
    slow.wait(timeout=10)
    _wait_for(lambda: not _is_locked(brief.pk), "the dead worker's lock ending", workers)
    assert InsightBrief.objects.get(pk=brief.pk).status == InsightBrief.Status.DRAFTING

    # The rescuer sweeps for the dead worker's unacknowledged task every second (Kombu's
    # default sweep, every 100 s, would outlast the wait).
    workers.start(
        "rescuer",
        LEARNHUB_REDIS_VISIBILITY_TIMEOUT="5",
        LEARNHUB_REDIS_RESTORE_INTERVAL="1",
        LEARNHUB_REDIS_RESTORE_THROTTLE="1",
    )
    _wait_for(
        lambda: InsightBrief.objects.get(pk=brief.pk).status == InsightBrief.Status.DRAFT,
        "another worker drafting the brief",
        workers,
    )

    _assert_one_complete_brief(scene, period, evidence_ids)
