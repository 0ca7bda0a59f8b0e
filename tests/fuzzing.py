"""The random seed of this test run's fuzzing (``tests/authz/test_schemathesis.py``).

A new seed each run, so every run tries inputs the last did not; shared by pytest-xdist's
workers (they inherit the environment the controller set in ``pytest_configure``), shown
in pytest's header and in any failure. ``LEARNHUB_FUZZ_SEED=<seed>`` replays a run.
"""

import os
import random

FUZZ_SEED_VARIABLE = "LEARNHUB_FUZZ_SEED"


def choose_fuzz_seed() -> None:
    """Pick this run's seed, unless one is given (or a controller already picked it)."""
    if not os.environ.get(FUZZ_SEED_VARIABLE):
        os.environ[FUZZ_SEED_VARIABLE] = str(random.SystemRandom().randrange(2**32))


def fuzz_seed() -> int:
    choose_fuzz_seed()
    return int(os.environ[FUZZ_SEED_VARIABLE])
