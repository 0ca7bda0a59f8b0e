"""Schemathesis against the live OpenAPI schema, in process, as a signed-in person.

One test per operation under /api/v1/ and signed-in role: the commissioning funder's
admin (who manages the partnership), the learning partner (who writes the discovery
brief and the insight briefs) and the grantee (who takes part, so adds evidence), so
that each operation's successful answers are checked too. About half of the generated
requests point at real rows of the authorisation world, the rest at generated ids:

- requests that match the schema must get no 5xx, only status codes the schema
  documents, and bodies that match the documented response schema;
- requests that break the schema (wrong types, missing fields, ...) must get no 5xx.

Each request runs in its own savepoint, rolled back afterwards, so one example (closing
the partnership, say) cannot change what the next one sees. Generation is derandomised:
the same code always sends the same requests.

The schemathesis pytest plugin's ``from_fixture`` loader does not work with pytest 9
(it sets ``Function._nodeid``), so Hypothesis is driven directly with each operation's
``as_strategy()``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from learnhub.wsgi import application
from tests.authz.coverage import coverage
from tests.authz.patterns import all_patterns
from tests.authz.world import FUNDER_ADMIN, GRANTEE, LEARNING_PARTNER, World

ROLES = (FUNDER_ADMIN, LEARNING_PARTNER, GRANTEE)
MAX_EXAMPLES = 10
CONFORMANCE = [not_a_server_error, status_code_conformance, response_schema_conformance]
NO_SERVER_ERROR = [not_a_server_error]
HTTP_METHODS = ("get", "put", "post", "delete", "patch")


def _operations() -> list[tuple[str, str]]:
    """(METHOD, path template) of every /api/v1/ operation in the schema."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method.upper(), path)
        for path, item in document["paths"].items()
        if path.startswith("/api/v1/")
        for method in item
        if method in HTTP_METHODS
    ]


OPERATIONS = _operations()


def _shape(route_or_template: str) -> str:
    """``api/v1/x/<int:pk>/`` and ``/api/v1/x/{id}/`` both become ``/api/v1/x/{}/``."""
    shape = re.sub(r"<(?:[^>:]+:)?[^>]+>", "{}", route_or_template)
    shape = re.sub(r"\{[^}]+\}", "{}", shape)
    return shape if shape.startswith("/") else "/" + shape


def real_parameters(world: World) -> dict[str, list[Any]]:
    """For each API URL shape, the world's real values of its parameters, in order."""
    entries = coverage().entries
    real: dict[str, list[Any]] = {}
    for pattern in all_patterns():
        entry = entries.get(pattern.key)
        if entry is None or not pattern.route.startswith("api/v1/") or not pattern.kwarg_names:
            continue
        kwargs = entry.kwargs(world) if entry.kwargs else world.kwargs_for(pattern)
        real[_shape(pattern.route)] = [kwargs[name] for name in pattern.kwarg_names]
    return real


@pytest.fixture(scope="module")
def keep_connection_open() -> Iterator[None]:
    """The WSGI handler closes "old" connections around each request; inside the test's
    transaction that would throw the transaction away (PostgreSQL: "connection is closed")."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def api_schema(world: World, keep_connection_open: None) -> Any:
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


def test_every_api_url_is_in_the_schema() -> None:
    """Schemathesis can only test what the schema documents."""
    documented = {_shape(path) for _, path in OPERATIONS}
    patterns = [p for p in all_patterns() if p.route.startswith("api/v1/")]

    missing = [p.key for p in patterns if _shape(p.route) not in documented]

    assert not missing, f"API URLs missing from /api/schema/: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_conforms_to_the_schema(
    api_schema: Any, world: World, method: str, path: str, role: str
) -> None:
    operation = api_schema[path][method]
    names = re.findall(r"\{([^}]+)\}", path)
    values = real_parameters(world).get(_shape(path))
    real = dict(zip(names, values, strict=True)) if values else None
    token = world.session_keys[role]
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE).map(lambda case: (case, CONFORMANCE)),
        operation.as_strategy(GenerationMode.NEGATIVE).map(lambda case: (case, NO_SERVER_ERROR)),
    )

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],  # report the first failure, unshrunk
        suppress_health_check=list(HealthCheck),
    )
    @given(case_and_checks=cases, use_real_ids=st.booleans())
    def run(case_and_checks: tuple[Any, list[Any]], use_real_ids: bool) -> None:
        case, checks = case_and_checks
        if use_real_ids and real and case.path_parameters:
            case.path_parameters = {**case.path_parameters, **real}
        with transaction.atomic():
            case.call_and_validate(headers={"X-Session-Token": token}, checks=checks)
            transaction.set_rollback(True)

    run()
