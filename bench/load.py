"""A small, bounded HTTP load generator: a few threads with keep-alive connections to one
loopback address, each sending GET requests in turn until a request count or a time
limit is reached. Standard library only (``http.client``), so the client costs little
CPU next to the server it measures on the same two cores."""

from __future__ import annotations

import http.client
import itertools
import math
import statistics
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Target:
    """One request: a path and the headers (the person's session cookie) to send."""

    path: str
    headers: dict[str, str]


@dataclass
class LoadResult:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    concurrency: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        # Nearest rank: the smallest value with at least p% of the samples at or below it.
        rank = max(1, math.ceil(p / 100 * len(ordered)))
        return ordered[rank - 1]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, float | int]:
        return {
            "requests": self.requests,
            "errors": len(self.errors),
            "seconds": round(self.seconds, 2),
            "concurrency": self.concurrency,
            "requests_per_second": round(self.per_second, 1),
            "p50_ms": round(self.percentile(50), 1),
            "p95_ms": round(self.percentile(95), 1),
            "p99_ms": round(self.percentile(99), 1),
            "max_ms": round(max(self.latencies_ms), 1) if self.latencies_ms else float("nan"),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 1)
            if self.latencies_ms
            else float("nan"),
        }


def run(
    *,
    host: str,
    port: int,
    targets: Sequence[Target],
    concurrency: int,
    max_requests: int,
    max_seconds: float,
    timeout: float = 60.0,
) -> LoadResult:
    """Send up to ``max_requests`` requests (cycling through ``targets``) from
    ``concurrency`` threads, stopping early after ``max_seconds``. Every non-200 answer
    is recorded as an error."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("the load generator only talks to loopback addresses")
    result = LoadResult(concurrency=concurrency)
    tickets = itertools.count()
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds

    def worker() -> None:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            while time.monotonic() < deadline:
                ticket = next(tickets)
                if ticket >= max_requests:
                    return
                target = targets[ticket % len(targets)]
                started = time.perf_counter()
                try:
                    connection.request("GET", target.path, headers=target.headers)
                    response = connection.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException) as error:
                    connection.close()
                    connection = http.client.HTTPConnection(host, port, timeout=timeout)
                    with lock:
                        result.errors.append(f"{target.path}: {error!r}")
                    continue
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if status == 200:
                        result.latencies_ms.append(elapsed)
                    else:
                        result.errors.append(f"{target.path}: HTTP {status}")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max_seconds + timeout + 5)
    result.seconds = time.monotonic() - started
    return result
