"""Project-wide fixtures and the rules for tests that need real services.

Tests that need Redis, PostgreSQL or Chromium carry a marker. When the service is missing
they are skipped with the reason, unless ``LEARNHUB_REQUIRE_SERVICES=1`` (set by
``.ci/run``): then a missing service fails the test instead, so CI can never pass by
quietly skipping.
"""

import os
import shutil

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from rest_framework.test import APIClient

from consent.models import ALLOW_HISTORY_TRUNCATE_SQL
from tests.fuzzing import FUZZ_SEED_VARIABLE, choose_fuzz_seed, fuzz_seed
from tests.partnerships.factories import UserFactory

CHROMIUM = os.environ.get("LEARNHUB_CHROMIUM", "/usr/bin/chromium")


_sql_flush = PostgresOperations.sql_flush


def _sql_flush_allowing_history(self, style, tables, **kwargs):  # type: ignore[no-untyped-def]
    """Django empties the database between transactional tests with one TRUNCATE, which
    the consent history refuses unless the transaction allows it (consent migration
    0003): the flush is a wipe on purpose, so it says so first."""
    statements = _sql_flush(self, style, tables, **kwargs)
    return [ALLOW_HISTORY_TRUNCATE_SQL, *statements] if statements else statements


PostgresOperations.sql_flush = _sql_flush_allowing_history  # type: ignore[method-assign]


def pytest_configure(config: pytest.Config) -> None:
    choose_fuzz_seed()  # before pytest-xdist starts its workers, so they share it


def pytest_report_header(config: pytest.Config) -> str:
    return f"fuzzing seed: {fuzz_seed()} (replay with {FUZZ_SEED_VARIABLE}={fuzz_seed()})"


def _missing_service(item: pytest.Item) -> str | None:
    if item.get_closest_marker("needs_redis") and not os.environ.get("REDIS_URL"):
        return "service missing: Redis (set REDIS_URL)"
    if item.get_closest_marker("needs_postgres") and connection.vendor != "postgresql":
        return "service missing: PostgreSQL (set DATABASE_URL=postgres://...)"
    if item.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        return f"service missing: Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    reason = _missing_service(item)
    if reason is None:
        return
    if os.environ.get("LEARNHUB_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason}; LEARNHUB_REQUIRE_SERVICES=1 forbids skipping", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate limit and throttle counts (kept in the cache) never carry over between tests."""
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db: None):  # type: ignore[no-untyped-def]
    return UserFactory()


@pytest.fixture
def signed_in(api_client: APIClient, user) -> APIClient:  # type: ignore[no-untyped-def]
    api_client.force_authenticate(user=user)
    return api_client


@pytest.fixture
def task_runs(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """``task_runs(task)`` starts recording the Celery ``task``: every run still happens,
    and its first argument is added to the list returned (which batches a task was given)."""

    def watch(task):  # type: ignore[no-untyped-def]
        runs: list[object] = []
        run = task.run

        def recorded(*args, **kwargs):  # type: ignore[no-untyped-def]
            runs.append(args[0] if args else next(iter(kwargs.values()), None))
            return run(*args, **kwargs)

        monkeypatch.setattr(task, "run", recorded)
        return runs

    return watch
