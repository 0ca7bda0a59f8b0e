"""The faults the soak injects while the people work, each recorded with its start and
end on the run's clock:

- ``duplicate_ticks``: one more partnership becomes due, then ``evidence.draft_due_briefs``
  is sent by name ``TICKS`` times at once (as several beats, or a beat that restarted,
  would), beside beat's own ticks;
- ``worker_kill``: a learning partner redrafts a draft or two, and the worker node that
  has a task in flight is killed with SIGKILL, pool and all, as a machine dies; it is
  started again ``WORKER_DOWN_SECONDS`` later;
- ``postgres_terminate``: every backend of the soak's database is terminated
  (``pg_terminate_backend`` on ``datname = learnhub_soak`` only), ``ROUNDS`` times a second
  apart;
- ``redis_restart``: the soak's own redis-server is killed with SIGKILL and started again
  on the same port and data (append-only file) ``REDIS_DOWN_SECONDS`` later. While it is
  down, two probes write what must not be lost: the probe grantee (a party no person of
  the load plays, whose evidence a published brief cites) withdraws its ``participate``
  consent, and the learning partner asks for a brief for a week nobody else asks for.
  Only the follow-up tasks of those writes can bring the brief in line and draft the
  new one, so the final checks see whether a broker outage lost them.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from soak import state
from soak.checks import Fault
from soak.driver import Client, Recorder, weeks_ago
from soak.stack import Stack

TICKS = 10
ROUNDS = 3
WORKER_DOWN_SECONDS = 5.0
#: Redis stays down this long, at most (a failover's time, and longer than a write blocks
#: retrying the broker before it gives up), or 15% of a shorter run.
REDIS_DOWN_SECONDS = 30.0
IN_FLIGHT_WAIT_SECONDS = 8.0
#: The week the learning partner asks a brief for while Redis is down: further back than
#: any week the people ask for, so no later request of theirs queues it again.
PROBE_WEEKS_AGO = 40

#: When each fault starts, as a fraction of the drive's duration; the last fifth is quiet.
SCHEDULE: tuple[tuple[float, str], ...] = (
    (0.08, "duplicate_ticks"),
    (0.18, "worker_kill"),
    (0.28, "postgres_terminate"),
    (0.40, "redis_restart"),
    (0.62, "duplicate_ticks"),
    (0.68, "worker_kill"),
    (0.80, "postgres_terminate"),
)

_RECEIVED = re.compile(r"Task ([\w.]+)\[([0-9a-f-]+)\] received")
_DONE = re.compile(r"Task [\w.]+\[([0-9a-f-]+)\] (?:succeeded|raised|retry|failed)")


def in_flight(log_text: str) -> list[str]:
    """Tasks a worker's log says it received since it last started and has not finished."""
    current = log_text.rsplit("--- started", 1)[-1]
    received = {m.group(2): m.group(1) for m in _RECEIVED.finditer(current)}
    for match in _DONE.finditer(current):
        received.pop(match.group(1), None)
    return [f"{name}[{task_id[:8]}]" for task_id, name in received.items()]


@dataclass
class Injector:
    stack: Stack
    recorder: Recorder
    database_url: str
    database_name: str
    lp: Client
    probe_client: Client
    probe: dict[str, Any]
    partnerships: list[int]
    not_yet_due: list[int]
    duration: float
    stop: threading.Event
    faults: list[Fault] = field(default_factory=list)
    kills: int = 0
    errors: list[str] = field(default_factory=list)

    def run(self) -> None:
        actions: dict[str, Callable[[], str]] = {
            "duplicate_ticks": self.duplicate_ticks,
            "worker_kill": self.worker_kill,
            "postgres_terminate": self.postgres_terminate,
            "redis_restart": self.redis_restart,
        }
        for fraction, kind in SCHEDULE:
            if self.stop.wait(max(0.0, fraction * self.duration - self.recorder.now())):
                return
            start = self.recorder.now()
            try:
                detail = actions[kind]()
            except Exception as error:  # noqa: BLE001 - recorded, and the run goes on
                detail = f"failed: {error!r}"
                self.errors.append(f"{kind}: {error!r}")
            self.faults.append(Fault(kind, start, self.recorder.now(), detail))
            print(f"soak: {start:6.1f}s {kind}: {detail}", flush=True)

    # --- The faults -------------------------------------------------------------------------

    def duplicate_ticks(self) -> str:
        made_due = ""
        if self.not_yet_due:
            pid = self.not_yet_due.pop(0)
            state.make_due(self.database_url, pid)
            made_due = f"partnership {pid} made due; "
        from celery import Celery

        app = Celery("soak-ticks", broker=self.stack.redis_url)
        try:
            senders = [
                threading.Thread(
                    target=app.send_task,
                    args=("evidence.draft_due_briefs",),
                    kwargs={"queue": self.stack.queue},
                )
                for _ in range(TICKS)
            ]
            for sender in senders:
                sender.start()
            for sender in senders:
                sender.join(timeout=30)
        finally:
            app.close()
        return f"{made_due}{TICKS} draft_due_briefs sent at once"

    def worker_kill(self) -> str:
        self.kills += 1
        # Give the workers something to be in the middle of.
        redrafted = []
        for pid in self.partnerships:
            status, data = self.lp.call(
                "briefs list", "GET", f"/api/v1/partnerships/{pid}/briefs/?page_size=100"
            )
            if status != 200 or not isinstance(data, dict):
                continue
            drafts = [b["id"] for b in data.get("results", []) if b.get("status") == "draft"]
            if drafts:
                status, _ = self.lp.call(
                    "brief redraft", "POST", f"/api/v1/briefs/{drafts[0]}/redraft/", {},
                    expected=(202, 409),
                )  # fmt: skip
                if status == 202:
                    redrafted.append(drafts[0])
            if len(redrafted) >= 2:
                break
        names = ["worker1", "worker2"] if self.kills % 2 else ["worker2", "worker1"]
        victim, tasks = names[0], list[str]()
        deadline = time.monotonic() + IN_FLIGHT_WAIT_SECONDS
        while time.monotonic() < deadline and not tasks:
            for name in names:
                tasks = in_flight(self.stack.processes[name].tail(200_000))
                if tasks:
                    victim = name
                    break
            else:
                time.sleep(0.1)
        self.stack.processes[victim].kill()
        killed_at = self.recorder.now()
        self.stop.wait(WORKER_DOWN_SECONDS)
        self.stack.start_worker(victim)
        in_the_middle = f"mid-task: {', '.join(tasks)}" if tasks else "no task seen in flight"
        return (
            f"{victim} SIGKILLed at {killed_at:.1f}s ({in_the_middle}; briefs redrafted "
            f"first: {redrafted or 'none'}), restarted"
        )

    def postgres_terminate(self) -> str:
        ended = []
        for n in range(ROUNDS):
            if n:
                self.stop.wait(1.0)
            ended.append(state.terminate_backends(self.database_url, self.database_name))
        return f"backends terminated per round: {ended}"

    def redis_restart(self) -> str:
        """Kill Redis; while it is down the probe grantee withdraws its ``participate``
        consent (nothing else re-renders the published brief that cites it) and the
        learning partner asks for a brief for a week no person asks for; start it again."""
        published = self.publish_probe_brief()
        redis = self.stack.processes["redis"]
        redis.kill()
        down_at = time.monotonic()
        self.stop.wait(2.0)
        pid = self.probe["partnership"]
        start, end = weeks_ago(PROBE_WEEKS_AGO)
        answers: dict[str, tuple[int, float]] = {}

        def write(name: str, client: Client, path: str, body: dict[str, str], **kw: Any) -> None:
            began = time.monotonic()
            status, _ = client.call(name, "POST", path, body, **kw)
            answers[name] = (status, time.monotonic() - began)

        marker = f"soak-probe-{uuid.uuid4().hex[:12]}"
        # On threads of their own, so Redis comes back on time however long they block.
        writes = [
            threading.Thread(
                target=write,
                args=(
                    "consent withdraw", self.probe_client,
                    f"/api/v1/partnerships/{pid}/consents/",
                    {"purpose": "participate", "decision": "withdraw", "note": marker},
                ),
                kwargs={"expected": (201,), "marker": marker},
            ),
            threading.Thread(
                target=write,
                args=(
                    "brief request", self.lp, f"/api/v1/partnerships/{pid}/briefs/",
                    {"period_start": start.isoformat(), "period_end": end.isoformat()},
                ),
                kwargs={"expected": (202, 200)},
            ),
        ]  # fmt: skip
        for thread in writes:
            thread.start()
        down_for = min(REDIS_DOWN_SECONDS, 0.15 * self.duration)
        self.stop.wait(max(0.0, down_for - (time.monotonic() - down_at)))
        self.stack.start_redis()
        up_at = time.monotonic()
        for thread in writes:
            thread.join(timeout=120)
        withdrawn = answers.get("consent withdraw", (0, 0.0))
        requested = answers.get("brief request", (0, 0.0))
        if requested[0] in (200, 202):
            self.recorder.due(pid, start, end)
        return (
            f"redis-server SIGKILLed, down {up_at - down_at:.0f} s, started again; while down: "
            f"the probe grantee withdrew participate ({withdrawn[0] or 'no answer'} after "
            f"{withdrawn[1]:.1f} s; {published}), the learning partner asked for the week of "
            f"{start} ({requested[0] or 'no answer'} after {requested[1]:.1f} s)"
        )

    def publish_probe_brief(self) -> str:
        """Make sure a published brief cites the probe's evidence (publishing a draft that
        cites it if none does yet); says which."""
        pid = self.probe["partnership"]
        probe_evidence = set(self.probe["evidence"])
        status, data = self.lp.call(
            "briefs list", "GET", f"/api/v1/partnerships/{pid}/briefs/?page_size=100"
        )
        if status != 200 or not isinstance(data, dict):
            return "no published brief of the probe's found"
        results = sorted(data.get("results", []), key=lambda b: b.get("status") != "published")
        for brief in results[:20]:
            if brief.get("status") not in ("draft", "published"):
                continue
            status, detail = self.lp.call("brief detail", "GET", f"/api/v1/briefs/{brief['id']}/")
            if status != 200 or not isinstance(detail, dict):
                continue
            if not probe_evidence & set(detail.get("cited_evidence", [])):
                continue
            if brief["status"] == "draft":
                self.lp.call(
                    "brief edit", "PATCH", f"/api/v1/briefs/{brief['id']}/",
                    {"so_what": "What the probe grantee found matters."}, expected=(200, 409),
                )  # fmt: skip
                status, _ = self.lp.call(
                    "brief publish", "POST", f"/api/v1/briefs/{brief['id']}/publish/", {},
                    expected=(200, 409),
                )  # fmt: skip
                if status != 200:
                    continue
            return f"published brief {brief['id']} cites its evidence"
        return "no published brief of the probe's found"


def describe(fault: Fault) -> dict[str, Any]:
    return {"kind": fault.kind, "start": fault.start, "end": fault.end, "detail": fault.detail}
