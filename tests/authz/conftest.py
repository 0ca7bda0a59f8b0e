"""The authorisation world is built once per test module, inside a transaction that is
rolled back when the module ends; each test runs in a savepoint inside it (pytest-django's
``db``), so no test sees another's writes and no row outlives the module."""

from collections.abc import Iterator

import pytest
from django.db import transaction

from tests.authz.world import World, build_world


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        built = build_world()
        yield built
        transaction.set_rollback(True)
