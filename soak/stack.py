"""The soak's processes, all on 127.0.0.1: its own redis-server, two gunicorn web nodes
behind HAProxy, two Celery worker nodes and one beat.

Each process runs in a session of its own (so a signal to its group reaches its
children, and only them), its output goes to a file under the run folder, and
``Stack.stop`` ends every process this stack started, and nothing else: SIGTERM to each
group, SIGKILL to what is left after a bounded wait.

The proxy is HAProxy (Debian's ``haproxy`` package, installed by ``soak/run.sh`` when
missing): a maintained round-robin load balancer that health-checks each node on
``/healthz/`` and sets ``X-Forwarded-Proto: https`` as the TLS-terminating proxy of a
real deployment does, so production settings run unchanged. It names the node that
answered in an ``X-Soak-Node`` header, so the figures show the load was shared.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
REPO = Path(__file__).resolve().parent.parent
#: Variables of the developer's shell that must not reach the stack.
DROPPED = ("DATABASE_URL", "REDIS_URL", "DJANGO_", "LEARNHUB_", "CELERY_")


class StackError(Exception):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def wait_until(what: str, ready: Callable[[], bool], seconds: float, every: float = 0.3) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(every)
    raise StackError(f"{what} was not ready within {seconds:.0f} s")


@dataclass
class Process:
    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            out.write(f"\n--- started {time.strftime('%H:%M:%S')}\n".encode())
            out.flush()
            self.popen = subprocess.Popen(  # noqa: S603 - fixed arguments
                self.command,
                cwd=REPO,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal_group(self, sig: int) -> None:
        if self.popen is not None and self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, sig)

    def kill(self) -> None:
        """SIGKILL the whole group (the node and its pool) at once, as a machine dies."""
        self.signal_group(signal.SIGKILL)
        if self.popen is not None:
            self.popen.wait(timeout=30)
            # The pool's children were in the group too; reap nothing else.

    def stop(self, grace: float = 15.0) -> None:
        if self.popen is None:
            return
        self.signal_group(signal.SIGTERM)
        try:
            self.popen.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.signal_group(signal.SIGKILL)
            self.popen.wait(timeout=30)
        # Children left in the group after the leader exited (a prefork pool).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)

    def tail(self, chars: int = 2000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


@dataclass
class Stack:
    run_dir: Path
    database_url: str
    secret_key: str
    draft_delay: float
    schedule_seconds: float
    proxy_port: int = field(default_factory=free_port)
    redis_port: int = field(default_factory=free_port)
    web_ports: tuple[int, int] = field(default_factory=lambda: (free_port(), free_port()))
    queue: str = "soak"
    processes: dict[str, Process] = field(default_factory=dict)

    @property
    def redis_url(self) -> str:
        return f"redis://{HOST}:{self.redis_port}/0"

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.proxy_port}"

    def environment(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(DROPPED)}
        env.update(
            DJANGO_SETTINGS_MODULE="learnhub.settings.production",
            DJANGO_SECRET_KEY=self.secret_key,
            DJANGO_ALLOWED_HOSTS=f"{HOST},localhost",
            LEARNHUB_SITE_URL=self.base_url,
            LEARNHUB_ENV_FILE=os.devnull,
            LEARNHUB_VAR_DIR=str(self.run_dir / "var"),
            DJANGO_STATIC_ROOT=str(self.run_dir / "static"),
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            LEARNHUB_CELERY_QUEUE=self.queue,
            EMAIL_URL="dummymail://",
            DJANGO_LOG_LEVEL="WARNING",
            LEARNHUB_BRIEF_SCHEDULE_SECONDS=str(self.schedule_seconds),
            LEARNHUB_HEARTBEAT_SECONDS="10",
            # A worker that dies mid-task hands it back after 20 s (not an hour), and the
            # workers look for such tasks every 2 x 2 s.
            LEARNHUB_REDIS_VISIBILITY_TIMEOUT="20",
            LEARNHUB_REDIS_RESTORE_INTERVAL="2",
            LEARNHUB_REDIS_RESTORE_THROTTLE="2",
            # The outbox sweeps often and re-sends a task lost with Redis after 15 s (not
            # 15 minutes), so a bounded run sees every follow-up through.
            LEARNHUB_OUTBOX_SWEEP_SECONDS="5",
            LEARNHUB_OUTBOX_REDELIVER_SECONDS="15",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def _add(self, name: str, command: list[str], **extra: str) -> Process:
        process = Process(name, command, self.environment(**extra), self.run_dir / f"{name}.log")
        self.processes[name] = process
        return process

    # --- Redis ------------------------------------------------------------------------------

    def start_redis(self) -> None:
        data = self.run_dir / "redis"
        data.mkdir(exist_ok=True)
        process = self.processes.get("redis") or self._add(
            "redis",
            [
                "redis-server", "--bind", HOST, "--port", str(self.redis_port),
                "--dir", str(data), "--save", "", "--appendonly", "yes",
                "--appendfsync", "everysec", "--protected-mode", "yes",
            ],
        )  # fmt: skip
        process.start()
        wait_until("redis-server", self.redis_ping, 20)

    def redis_ping(self) -> bool:
        try:
            with socket.create_connection((HOST, self.redis_port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def redis(self) -> Any:
        import redis

        return redis.Redis(host=HOST, port=self.redis_port, socket_timeout=5)

    # --- LearnHub processes -----------------------------------------------------------------

    def manage(self, *args: str, timeout: float = 300) -> None:
        done = subprocess.run(  # noqa: S603 - fixed arguments
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise StackError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")

    def start_workers(self) -> None:
        for n in (1, 2):
            self.start_worker(f"worker{n}")

    def start_worker(self, name: str) -> None:
        process = self.processes.get(name) or self._add(
            name,
            [
                # LearnHub's worker with its drafting slowed (tests/slow_drafting.py),
                # so a worker killed mid-task is often killed mid-draft.
                sys.executable, "-m", "tests.slow_drafting", "worker",
                "--loglevel", "INFO", "--hostname", f"{name}@soak", "--pool", "prefork",
                "--concurrency", "2", "--without-gossip", "--without-mingle",
            ],
            SLOW_DRAFTING_SECONDS=str(self.draft_delay),
        )  # fmt: skip
        process.start()

    def start_beat(self) -> None:
        self._add(
            "beat",
            [sys.executable, "-m", "celery", "--app", "learnhub", "beat", "--loglevel", "INFO"],
        ).start()

    def start_web(self) -> None:
        for n, port in enumerate(self.web_ports, start=1):
            self._add(
                f"web{n}",
                [
                    sys.executable, "-m", "gunicorn", "learnhub.wsgi:application",
                    "--bind", f"{HOST}:{port}", "--workers", "2", "--worker-class", "sync",
                    "--timeout", "60", "--graceful-timeout", "10", "--log-level", "warning",
                ],
            ).start()  # fmt: skip
        for port in self.web_ports:
            wait_until(f"gunicorn on {port}", lambda port=port: _healthy(port), 60)  # type: ignore[misc]

    def start_proxy(self) -> None:
        config = self.run_dir / "haproxy.cfg"
        servers = "\n".join(
            f"    server web{n} {HOST}:{port} check inter 2s fall 3 rise 2"
            for n, port in enumerate(self.web_ports, start=1)
        )
        config.write_text(
            f"""global
    maxconn 512

defaults
    mode http
    timeout connect 2s
    timeout client 90s
    timeout server 90s
    timeout http-request 10s
    # A node that refuses the connection is tried again, on the other node.
    retries 2
    option redispatch 1

frontend soak
    bind {HOST}:{self.proxy_port}
    http-request set-header X-Forwarded-Proto https
    default_backend web

backend web
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz/ hdr Host localhost hdr X-Forwarded-Proto https
    http-response set-header X-Soak-Node %s
{servers}
"""
        )
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        self._add("proxy", [haproxy, "-db", "-f", str(config)]).start()
        wait_until("haproxy", lambda: _healthy(self.proxy_port), 30)

    def check_alive(self) -> list[str]:
        return [name for name, process in self.processes.items() if not process.running]

    def stop(self) -> None:
        """Every process this stack started, the proxy and web first, Redis last."""
        order = ["proxy", "web1", "web2", "beat", "worker1", "worker2", "redis"]
        for name in order + [n for n in self.processes if n not in order]:
            process = self.processes.get(name)
            if process is not None:
                try:
                    process.stop()
                except Exception as error:  # noqa: BLE001 - keep stopping the others
                    print(f"soak: could not stop {name}: {error}", file=sys.stderr)


def _healthy(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection(HOST, port, timeout=5)
        conn.request(
            "GET", "/healthz/", headers={"Host": "localhost", "X-Forwarded-Proto": "https"}
        )
        return conn.getresponse().status == 200
    except OSError:
        return False
