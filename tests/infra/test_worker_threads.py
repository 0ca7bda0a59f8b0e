"""Worker processes run the numerical libraries on one thread each: a worker already
runs a process per core, and BLAS threads on top of them made two processes draft no
faster than one."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# What a worker process has loaded by the time it drafts (numpy's BLAS, through
# scikit-learn), then Celery's signal for a new pool process, as the worker sends it.
PROBE = """
import json, sys
import django
django.setup()
import numpy, sklearn.decomposition
from threadpoolctl import threadpool_info
from celery.signals import {signal}
import learnhub.celery
before = [pool["num_threads"] for pool in threadpool_info()]
{signal}.send(sender=None)
after = [pool["num_threads"] for pool in threadpool_info()]
json.dump({{"before": before, "after": after}}, sys.stdout)
"""


def _threads(signal: str) -> dict[str, list[int]]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.endswith("_NUM_THREADS")  # the machine's own limits, if any
    }
    env.update(DJANGO_SETTINGS_MODULE="learnhub.settings.test", LEARNHUB_ENV_FILE=os.devnull)
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", PROBE.format(signal=signal)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("signal", ["worker_process_init", "worker_init"])
def test_a_worker_process_runs_blas_on_one_thread(signal):
    threads = _threads(signal)

    assert threads["after"], "no BLAS or OpenMP library was loaded"
    assert set(threads["after"]) == {1}
    if (os.cpu_count() or 1) > 1:
        assert max(threads["before"]) > 1  # without the signal they take every core
