"""``make soak``: LearnHub across several processes, under load and faults, then judged.

1. Starts its own redis-server on a free loopback port, makes its own PostgreSQL database
   (``learnhub_soak``, dropped and made again), migrates it and builds a small data set
   through the services (``soak.dataset``).
2. Starts two gunicorn web nodes (2 sync workers each, production settings) behind
   HAProxy, two Celery worker nodes (prefork, 2 processes each) and one beat, all on
   127.0.0.1 (``soak.stack``).
3. For ``SOAK_SECONDS`` (180), funders, grantees and learning partners use the API
   (``soak.driver``) while faults are injected (``soak.faults``).
4. Waits (at most ``SOAK_DRAIN_SECONDS``, 120) for the queue to drain and the briefs to be
   drafted, reads the database, prints the figures and the checks (``soak.checks``), and
   exits 1 if any check failed (2 if the run itself could not be made).

Every process it started is stopped on the way out, also on Ctrl-C. Nothing is sent
anywhere but 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from soak import checks, faults, state
from soak.driver import Client, Recorder, people_for, weeks_ago
from soak.stack import REPO, Stack, StackError

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class Options:
    seconds: float
    drain_seconds: float
    server_url: str
    database: str
    partnerships: int
    draft_delay: float
    schedule_seconds: float
    run_dir: Path

    @classmethod
    def from_environment(cls) -> Options:
        env = os.environ
        options = cls(
            seconds=float(env.get("SOAK_SECONDS", "180")),
            drain_seconds=float(env.get("SOAK_DRAIN_SECONDS", "120")),
            server_url=env.get("SOAK_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"),
            database=env.get("SOAK_DATABASE", "learnhub_soak"),
            partnerships=int(env.get("SOAK_PARTNERSHIPS", "4")),
            draft_delay=float(env.get("SOAK_DRAFT_DELAY_SECONDS", "1.0")),
            schedule_seconds=float(env.get("SOAK_SCHEDULE_SECONDS", "10")),
            run_dir=Path(env.get("SOAK_RUN_DIR", str(REPO / "var" / "soak"))).resolve(),
        )
        host = urlsplit(options.server_url).hostname or ""
        if host not in LOOPBACK:
            raise SystemExit(f"soak: PostgreSQL must be on this machine's loopback, not {host!r}")
        if not (10 <= options.seconds <= 3600 and 0 <= options.drain_seconds <= 1800):
            raise SystemExit("soak: SOAK_SECONDS must be 10-3600, SOAK_DRAIN_SECONDS 0-1800")
        if not options.database.startswith("learnhub_soak"):
            raise SystemExit("soak: SOAK_DATABASE must start with learnhub_soak (it is dropped)")
        return options

    def database_url(self) -> str:
        return f"{self.server_url.rstrip('/')}/{self.database}"


def log(message: str) -> None:
    print(f"soak: {message}", flush=True)


def _commit() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=REPO, capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
            cwd=REPO, capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
    except OSError:
        return "unknown"
    return done.stdout.strip() + (" (with local changes)" if dirty.stdout.strip() else "")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> int:
    options = Options.from_environment()
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    if options.run_dir.exists():
        shutil.rmtree(options.run_dir)
    options.run_dir.mkdir(parents=True)
    stack = Stack(
        run_dir=options.run_dir,
        database_url=options.database_url(),
        secret_key=secrets.token_urlsafe(40),
        draft_delay=options.draft_delay,
        schedule_seconds=options.schedule_seconds,
    )
    stop = threading.Event()
    try:
        return _run(options, stack, stop)
    except KeyboardInterrupt:
        log("interrupted: stopping everything it started")
        return 130
    except StackError as error:
        log(f"the stack could not be run: {error}")
        for name, process in stack.processes.items():
            if not process.running:
                print(f"--- {name} (last output)\n{process.tail()}", file=sys.stderr)
        return 2
    finally:
        stop.set()
        stack.stop()
        log(f"all processes stopped; logs in {options.run_dir}")


def _run(options: Options, stack: Stack, stop: threading.Event) -> int:
    started_at = datetime.now(UTC)
    log(f"run folder {options.run_dir}")
    stack.start_redis()
    log(f"redis-server on 127.0.0.1:{stack.redis_port}")
    state.recreate_database(f"{options.server_url.rstrip('/')}/postgres", options.database)
    log(f"database {options.database} made; migrating")
    stack.manage("migrate", "--noinput", "-v0")
    stack.manage("collectstatic", "--noinput", "-v0")
    password = secrets.token_urlsafe(18)
    dataset_file = options.run_dir / "dataset.json"
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "soak.dataset", str(dataset_file)],
        cwd=REPO,
        env=stack.environment(SOAK_PASSWORD=password, SOAK_PARTNERSHIPS=str(options.partnerships)),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise StackError(f"building the data set failed:\n{done.stderr[-3000:]}")
    dataset = json.loads(dataset_file.read_text())
    log(
        f"data set: {len(dataset['partnerships'])} weekly partnerships, "
        f"{len(dataset['people'])} people"
    )
    stack.start_workers()
    stack.start_beat()
    stack.start_web()
    stack.start_proxy()
    log(
        f"web nodes on 127.0.0.1:{stack.web_ports[0]} and :{stack.web_ports[1]} behind "
        f"HAProxy on 127.0.0.1:{stack.proxy_port}; 2 worker nodes and beat started"
    )

    before = state.snapshot(options.database_url())
    recorder = Recorder()
    people = people_for(dataset, password, stack.proxy_port, recorder, options.seconds, stop)
    lp = Client(stack.proxy_port, "injector", recorder)
    lp_account = next(
        p for p in dataset["people"] if p["role"] == "learning_partner" and p["admin"]
    )
    if not lp.login(lp_account["email"], password):
        raise StackError("the learning partner could not sign in through the proxy")
    probe = Client(stack.proxy_port, "injector", recorder)
    if not probe.login(dataset["probe"]["email"], password):
        raise StackError("the probe grantee could not sign in through the proxy")
    injector = faults.Injector(
        stack=stack,
        recorder=recorder,
        database_url=options.database_url(),
        database_name=options.database,
        lp=lp,
        probe_client=probe,
        probe=dataset["probe"],
        partnerships=[p["id"] for p in dataset["partnerships"]],
        not_yet_due=[p["id"] for p in dataset["partnerships"] if not p["due"]],
        duration=options.seconds,
        stop=stop,
    )
    threads = [threading.Thread(target=p.run, name=p.email, daemon=True) for p in people]
    threads.append(threading.Thread(target=injector.run, name="injector", daemon=True))
    log(f"driving the API with {len(people)} people for {options.seconds:.0f} s")
    for thread in threads:
        thread.start()
    for _ in range(int(options.seconds) + 120):
        if not any(t.is_alive() for t in threads) or recorder.now() > options.seconds + 60:
            break
        time.sleep(1)
    stop.set()
    for thread in threads:
        thread.join(timeout=REQUEST_JOIN_SECONDS)
    drive_seconds = recorder.now()
    log(f"drive over after {drive_seconds:.0f} s ({len(recorder.requests)} requests); draining")

    drained, drain_seconds = _drain(stack, options)
    after = state.snapshot(options.database_url())
    due = _schedule_due(after.active_partnerships) | recorder.due_periods
    expected_evidence = dict(before.evidence)
    for request in recorder.requests:
        if request.created_id is not None and request.action == "evidence submit":
            expected_evidence[request.created_id] = request.marker
    outcome = checks.evaluate(
        requests=recorder.requests,
        faults=injector.faults,
        briefs=after.briefs,
        due_periods=due,
        expected_evidence=expected_evidence,
        stored_evidence=after.evidence,
        stored_markers=after.markers,
        evidence_party=after.evidence_party,
        consent=after.consent,
        consent_before=before.consent_records,
        consent_after=after.consent_records,
    )
    if injector.errors:
        outcome.checks.append(
            checks.Check("every fault injected", False, "; ".join(injector.errors))
        )
    figures = _figures(
        options, recorder, injector, after, drive_seconds, drained, drain_seconds,
        started_at, len(people),
    )  # fmt: skip
    _print(figures, outcome)
    (options.run_dir / "results.json").write_text(
        json.dumps(
            {**figures, "checks": [asdict(c) for c in outcome.checks], "passed": outcome.passed},
            indent=2,
            default=str,
        )
    )
    return 0 if outcome.passed else 1


REQUEST_JOIN_SECONDS = 100.0


def _queue_depth(stack: Stack) -> int | None:
    """Messages waiting in the soak's queue (and its priority lists) plus those a worker
    holds unacknowledged; None while Redis does not answer."""
    try:
        client = stack.redis()
        waiting = sum(
            int(client.llen(key))
            for key in client.keys(f"{stack.queue}*")
            if client.type(key) == b"list"
        )
        return waiting + int(client.hlen("unacked"))
    except Exception:  # noqa: BLE001 - Redis may be restarting
        return None


def _drain(stack: Stack, options: Options) -> tuple[bool, float]:
    """Wait until nothing is queued or held and no brief is drafting, or until a brief
    can no longer be drafted by anything but the ten-minute sweep: the queue empty and
    nothing held for 30 s. Bounded by ``SOAK_DRAIN_SECONDS``."""
    start = time.monotonic()
    idle_since: float | None = None
    for _ in range(int(options.drain_seconds) + 1):
        elapsed = time.monotonic() - start
        if elapsed > options.drain_seconds:
            break
        depth = _queue_depth(stack)
        drafting = state.drafting_count(options.database_url())
        if depth == 0 and drafting == 0:
            return True, elapsed
        if depth == 0:
            idle_since = idle_since if idle_since is not None else time.monotonic()
            if time.monotonic() - idle_since > 30:
                log(f"queue empty for 30 s with {drafting} briefs still drafting: giving up")
                return False, elapsed
        else:
            idle_since = None
        time.sleep(1)
    return False, time.monotonic() - start


def _schedule_due(active: dict[int, Any]) -> set[tuple[int, Any, Any]]:
    """Last week's period of each active partnership that was active before it ended:
    the schedule must have drafted it (``briefs_draft_due``'s rule)."""
    start, end = weeks_ago(1)
    london = ZoneInfo("Europe/London")
    return {
        (pk, start, end)
        for pk, changed in active.items()
        if changed is not None and changed.astimezone(london).date() <= end
    }


def _figures(
    options: Options,
    recorder: Recorder,
    injector: faults.Injector,
    after: state.Snapshot,
    drive_seconds: float,
    drained: bool,
    drain_seconds: float,
    started_at: datetime,
    people: int,
) -> dict[str, Any]:
    requests = recorder.requests
    windows, outside = checks.five_xx_by_window(requests, injector.faults)
    failed_by_action = Counter(
        f"{r.method} {r.action}: {r.status or 'no answer'}" for r in requests if r.failed
    )
    statuses = Counter(b.status for b in after.briefs)
    return {
        "failed_writes_saved": [
            f"{r.method} {r.action} at {r.sent:.1f}s answered {r.status or 'nothing'}, saved "
            f"({_during(r.sent, r.answered, injector.faults)})"
            for r in requests
            if r.marker and r.failed and r.marker in after.markers
        ],
        "stuck": [
            _stuck(b, after, recorder, injector.faults)
            for b in after.briefs
            if b.status == "drafting"
        ],
        "deliveries": _deliveries(injector.stack),
        "date": started_at.isoformat(timespec="seconds"),
        "commit": _commit(),
        "seconds": round(drive_seconds, 1),
        "people": people,
        "requests": len(requests),
        "per_second": round(len(requests) / drive_seconds, 1) if drive_seconds else 0,
        "roles": checks.role_figures(requests, drive_seconds),
        "nodes": dict(sorted(recorder.nodes.items())),
        "five_xx_inside": sum(r.failed for r in requests) - len(outside),
        "five_xx_outside": len(outside),
        "failed_by_action": dict(failed_by_action.most_common()),
        "unexpected": dict(Counter(recorder.unexpected).most_common(8)),
        "windows": [
            {
                "kind": w.fault.kind,
                "start": round(w.fault.start, 1),
                "end": round(w.fault.end, 1),
                "tolerates_5xx": w.fault.tolerates_5xx,
                "requests": w.requests,
                "five_xx": w.failed,
                "detail": w.fault.detail,
            }
            for w in windows
        ],
        "briefs": dict(sorted(statuses.items())),
        "briefs_drafted": statuses.get("draft", 0) + statuses.get("published", 0),
        "evidence_201": sum(r.status == 201 for r in requests if r.action == "evidence submit"),
        "consent_201": sum(r.status == 201 for r in requests if r.action.startswith("consent ")),
        "drained": drained,
        "drain_seconds": round(drain_seconds, 1),
        "options": {
            "seconds": options.seconds,
            "partnerships": options.partnerships,
            "draft_delay": options.draft_delay,
            "schedule_seconds": options.schedule_seconds,
        },
    }


def _stuck(
    brief: checks.Brief, after: state.Snapshot, recorder: Recorder, faults_: list[checks.Fault]
) -> str:
    made, changed, asked = after.brief_times[brief.id]
    at = _seconds(changed, recorder)
    return (
        f"brief {brief.id} (partnership {brief.partnership_id}, week of {brief.period_start}), "
        f"{'asked for by a person' if asked else 'made by the schedule'}, made at "
        f"{_seconds(made, recorder):.1f}s, last changed at {at:.1f}s ({_during(at, at, faults_)})"
    )


def _seconds(moment: datetime, recorder: Recorder) -> float:
    return moment.timestamp() - recorder.wall_started


def _during(sent: float, answered: float, faults_: list[checks.Fault]) -> str:
    kinds = [f.kind for f in faults_ if sent <= f.window()[1] and answered >= f.window()[0]]
    return "during " + ", ".join(kinds) if kinds else "in no fault window"


def _deliveries(stack: Stack) -> dict[str, dict[str, int]]:
    """Per task: how many times a worker received it, and how many retries it logged
    (from the workers' logs, over every start)."""
    counts: dict[str, dict[str, int]] = {}
    for name in ("worker1", "worker2"):
        text = stack.processes[name].tail(50_000_000) if name in stack.processes else ""
        for task, what in re.findall(r"Task ([\w.]+)\[[0-9a-f-]+\] (received|retry)", text):
            counts.setdefault(task, {"received": 0, "retry": 0})[what] += 1
    return dict(sorted(counts.items()))


def _print(figures: dict[str, Any], outcome: checks.Outcome) -> None:
    out = []
    out.append("")
    out.append(
        f"LearnHub soak, {figures['date']}, commit {figures['commit']}: "
        f"{figures['seconds']:.0f} s, {figures['people']} people, "
        f"{figures['requests']} requests ({figures['per_second']}/s)"
    )
    out.append("")
    out.append(f"{'role':<18}{'requests':>9}{'/s':>7}{'p50 ms':>8}{'p95 ms':>8}"
               f"{'2xx':>7}{'4xx':>6}{'5xx':>6}")  # fmt: skip
    for row in figures["roles"]:
        out.append(
            f"{row['role']:<18}{row['requests']:>9}{row['per_second']:>7}{row['p50_ms']:>8}"
            f"{row['p95_ms']:>8}{row['2xx']:>7}{row['4xx']:>6}{row['5xx']:>6}"
        )
    out.append("")
    out.append(f"web nodes: {figures['nodes']}")
    out.append(
        f"5xx (or no answer): {figures['five_xx_inside']} inside tolerating windows, "
        f"{figures['five_xx_outside']} outside"
    )
    for action, count in list(figures["failed_by_action"].items())[:10]:
        out.append(f"  {count:>5}  {action}")
    if figures["unexpected"]:
        out.append(f"other unexpected statuses: {figures['unexpected']}")
    out.append("")
    out.append(f"{'fault':<20}{'start s':>8}{'end s':>8}{'window':>8}{'requests':>9}{'5xx':>6}")
    for w in figures["windows"]:
        window = "5xx ok" if w["tolerates_5xx"] else "none"
        out.append(
            f"{w['kind']:<20}{w['start']:>8}{w['end']:>8}{window:>8}{w['requests']:>9}"
            f"{w['five_xx']:>6}"
        )
        out.append(f"    {w['detail']}")
    out.append("")
    out.append(
        f"briefs: {figures['briefs']} ({figures['briefs_drafted']} drafted); evidence 201: "
        f"{figures['evidence_201']}; consent records 201: {figures['consent_201']}; queue "
        f"{'drained' if figures['drained'] else 'NOT drained'} after {figures['drain_seconds']} s"
    )
    if figures["failed_writes_saved"]:
        out.append("writes answered 5xx but saved:")
        out.extend(f"  {line}" for line in figures["failed_writes_saved"])
    if figures["stuck"]:
        out.append("briefs still drafting:")
        out.extend(f"  {line}" for line in figures["stuck"])
    out.append(
        "task deliveries (received/retried): "
        + ", ".join(
            f"{task.split('.')[-1]} {n['received']}/{n['retry']}"
            for task, n in figures["deliveries"].items()
        )
    )
    out.append("")
    for check in outcome.checks:
        out.append(f"{'PASS' if check.passed else 'FAIL'}  {check.name}: {check.detail}")
    out.append("")
    out.append("soak passed" if outcome.passed else f"soak FAILED ({len(outcome.failed())} checks)")
    print("\n".join(out), flush=True)


if __name__ == "__main__":
    sys.exit(main())
