"""A real ``celery worker`` and ``celery beat`` run the project's tasks, on both brokers.

Each test starts the processes exactly as ``make run`` and docker compose do
(``celery --app learnhub worker|beat``) in a folder of its own, with a database the test
can read: on SQLite a migrated file in ``tmp_path``; on PostgreSQL the test database
itself, so the test is transactional. Every wait is bounded and every process is stopped
(with its children) when the test ends, pass or fail.
"""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import Celery
from django.db import connection

from learnhub.models import Heartbeat

# On PostgreSQL the worker writes into the test database, so the test must commit.
pytestmark = pytest.mark.django_db(transaction=True)

REPO = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 60  # the longest any one step may take before the test fails
DROPPED_VARIABLES = ("DATABASE_URL", "REDIS_URL", "DJANGO_", "LEARNHUB_", "CELERY_")
# One process, and no chatter with other workers that may share the broker.
WORKER_OPTIONS = ("--loglevel", "INFO", "--concurrency", "1", "--without-gossip",
                  "--without-mingle", "--without-heartbeat")  # fmt: skip


@dataclass
class WorkerDatabase:
    url: str
    last_heartbeat: Callable[[], datetime | None]


@dataclass
class Stack:
    """What a test needs to talk to the worker it started."""

    var_dir: Path
    queue: str
    database: WorkerDatabase
    processes: list[tuple[subprocess.Popen[bytes], Path]] = field(default_factory=list)
    broker_environment: dict[str, str] = field(default_factory=dict)

    def environment(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(DROPPED_VARIABLES)}
        env.update(
            DJANGO_SETTINGS_MODULE="learnhub.settings.local",
            DJANGO_DEBUG="false",
            LEARNHUB_ENV_FILE=os.devnull,
            LEARNHUB_VAR_DIR=str(self.var_dir),
            LEARNHUB_CELERY_QUEUE=self.queue,
            DATABASE_URL=self.database.url,
        )
        env.update(self.broker_environment, **extra)
        return env

    def start(self, *celery_args: str, **extra_env: str) -> None:
        log = self.var_dir / f"{celery_args[0]}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "celery", "--app", "learnhub", *celery_args],
                cwd=REPO,
                env=self.environment(**extra_env),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: children stop with it
            )
        self.processes.append((process, log))

    def logs(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for _, log in self.processes)

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

    def wait_for_heartbeat_after(self, moment: datetime | None) -> datetime:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            beat_at = self.database.last_heartbeat()
            if beat_at is not None and (moment is None or beat_at > moment):
                return beat_at
            for process, _ in self.processes:
                assert process.poll() is None, f"a Celery process exited early\n{self.logs()}"
            time.sleep(0.2)
        pytest.fail(f"no heartbeat after {moment} within {WAIT_SECONDS} s\n{self.logs()}")


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per module; each test works on a copy of it."""
    path = tmp_path_factory.mktemp("celery-db") / "template.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(DROPPED_VARIABLES)}
    env.update(
        DJANGO_SETTINGS_MODULE="learnhub.settings.local",
        LEARNHUB_ENV_FILE=os.devnull,
        DATABASE_URL=f"sqlite:///{path}",
    )
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=REPO,
        env=env,
        check=True,
        timeout=120,
    )
    return path


def _read_sqlite_heartbeat(path: Path) -> datetime | None:
    with sqlite3.connect(path, timeout=10) as db:
        row = db.execute("SELECT beat_at FROM learnhub_heartbeat WHERE id = 1").fetchone()
    return datetime.fromisoformat(row[0]).replace(tzinfo=UTC) if row else None


@pytest.fixture
def worker_database(request: pytest.FixtureRequest, tmp_path: Path) -> WorkerDatabase:
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        auth = quote(s["USER"]) + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
        url = f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"

        def last_heartbeat() -> datetime | None:
            return Heartbeat.objects.values_list("beat_at", flat=True).first()

        return WorkerDatabase(url, last_heartbeat)
    path = tmp_path / "worker.sqlite3"
    shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
    return WorkerDatabase(f"sqlite:///{path}", lambda: _read_sqlite_heartbeat(path))


@pytest.fixture
def stack(tmp_path: Path, worker_database: WorkerDatabase) -> Iterator[Stack]:
    started = Stack(tmp_path / "var", f"learnhub-test-{uuid.uuid4().hex}", worker_database)
    started.var_dir.mkdir()
    try:
        yield started
    finally:
        started.stop()


def _client(stack: Stack, broker_url: str, backend_url: str, **conf: object) -> Celery:
    client = Celery(
        "learnhub-test-client", broker=broker_url, backend=backend_url, set_as_current=False
    )
    client.conf.update(task_default_queue=stack.queue, **conf)
    return client


def _worker_runs_sent_task_then_beat_schedules_more(stack: Stack, client: Celery) -> None:
    stack.start("worker", *WORKER_OPTIONS, "--hostname", f"test-{stack.queue}@%h")

    # When a task is sent by name, the worker runs it and the result comes back.
    # disable_sync_subtasks=False: this process is not a worker, whatever Celery's global
    # "inside a task" flag says after other tests ran eager tasks in it.
    sent = client.send_task("learnhub.heartbeat")
    result = sent.get(timeout=WAIT_SECONDS, disable_sync_subtasks=False)

    assert result["worker"].startswith(f"test-{stack.queue}@")
    recorded = stack.database.last_heartbeat()
    assert recorded is not None, stack.logs()
    assert recorded == datetime.fromisoformat(result["beat_at"])

    # When beat runs with a one-second schedule, the worker records fresh heartbeats
    # without the test sending anything.
    stack.start("beat", "--loglevel", "INFO", LEARNHUB_HEARTBEAT_SECONDS="1")

    later = stack.wait_for_heartbeat_after(recorded)

    assert later > recorded


def test_worker_and_beat_run_heartbeats_on_the_embedded_filesystem_broker(stack: Stack) -> None:
    celery_dir = stack.var_dir / "celery"
    for folder in ("queue", "control", "results"):
        (celery_dir / folder).mkdir(parents=True)
    client = _client(
        stack,
        "filesystem://localhost//",
        f"file://{celery_dir / 'results'}",
        broker_transport_options={
            "data_folder_in": str(celery_dir / "queue"),
            "data_folder_out": str(celery_dir / "queue"),
            "control_folder": str(celery_dir / "control"),
            "polling_interval": 0.2,
        },
    )

    _worker_runs_sent_task_then_beat_schedules_more(stack, client)


@pytest.mark.needs_redis
def test_worker_and_beat_run_heartbeats_on_redis(stack: Stack) -> None:
    redis_url = os.environ["REDIS_URL"]
    stack.broker_environment["REDIS_URL"] = redis_url
    client = _client(stack, redis_url, redis_url)

    _worker_runs_sent_task_then_beat_schedules_more(stack, client)
