"""Schemathesis against the live OpenAPI schema, in process.

Two passes, one test per operation:

- **Conformance** (derandomised: the same code always sends the same requests), as each
  signed-in role that does things: the commissioning funder's admin (who manages the
  partnership), the learning partner (who writes the discovery brief and the insight
  briefs) and the grantee (who takes part, so adds evidence). Requests that match the
  schema must get no 5xx, only status codes the schema documents, and bodies that match
  the documented response schema; requests that break the schema (wrong types, missing
  fields, out-of-range numbers, ...) must get no 5xx.
- **Fuzzing** (random, a new seed each run): every operation, and OPTIONS and HEAD on
  every API URL, as one signed-in party (which one rotates with the seed) and signed
  out, must never get a 5xx, whatever the input. The seed is printed in pytest's header
  and in any failure; ``LEARNHUB_FUZZ_SEED=<seed>`` replays a run and
  ``LEARNHUB_FUZZ_EXAMPLES`` sets how many requests each operation gets (half that
  signed out, and for OPTIONS and HEAD).

About half of the generated requests point at real rows of the authorisation world, the
rest at generated ids. Each request runs in its own savepoint, rolled back afterwards,
so one example (closing the partnership, say) cannot change what the next one sees.

The schemathesis pytest plugin's ``from_fixture`` loader does not work with pytest 9
(it sets ``Function._nodeid``), so Hypothesis is driven directly with each operation's
``as_strategy()``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, seed, settings
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
from tests.fuzzing import FUZZ_SEED_VARIABLE, fuzz_seed

ROLES = (FUNDER_ADMIN, LEARNING_PARTNER, GRANTEE)
MAX_EXAMPLES = 10
CONFORMANCE = [not_a_server_error, status_code_conformance, response_schema_conformance]
NO_SERVER_ERROR = [not_a_server_error]
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
#: Methods every URL answers without the schema documenting them: DRF's OPTIONS
#: (metadata) and Django's HEAD (a GET without the body; 405 where there is no GET).
UNDOCUMENTED_METHODS = ("OPTIONS", "HEAD")
FUZZ_SEED = fuzz_seed()
FUZZ_EXAMPLES = int(os.environ.get("LEARNHUB_FUZZ_EXAMPLES") or 8)
#: The signed-in party of the fuzzing pass: each seed picks one, so runs rotate through them.
FUZZ_ROLE = ROLES[FUZZ_SEED % len(ROLES)]
SIGNED_OUT = "signed_out"


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
PATHS = sorted({path for _, path in OPERATIONS})
#: OPTIONS and HEAD on every API URL, as (METHOD, path template).
UNDOCUMENTED = [(method, path) for path in PATHS for method in UNDOCUMENTED_METHODS]


def _shape(route_or_template: str) -> str:
    """``api/v1/x/<id:pk>/`` and ``/api/v1/x/{id}/`` both become ``/api/v1/x/{}/``."""
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


def _cases(operation: Any, positive: list[Any]) -> Any:
    """Requests that match the schema (checked with ``positive``) and that break it
    (checked for no server error only), as ``(case, checks)``."""
    return st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE).map(lambda case: (case, positive)),
        operation.as_strategy(GenerationMode.NEGATIVE).map(lambda case: (case, NO_SERVER_ERROR)),
    )


def _send(
    api_schema: Any,
    world: World,
    method: str,
    path: str,
    role: str,
    positive: list[Any],
    configure: Callable[[Any], Any],
) -> None:
    """Send the operation's generated requests (``configure`` sets Hypothesis up) as
    ``role``, each in a savepoint rolled back afterwards. OPTIONS and HEAD, which the
    schema does not list, reuse the requests generated for another method of the URL."""
    undocumented = method in UNDOCUMENTED_METHODS
    operations = api_schema[path]
    operation = operations[method] if not undocumented else next(iter(operations.values()))
    names = re.findall(r"\{([^}]+)\}", path)
    values = real_parameters(world).get(_shape(path))
    real = dict(zip(names, values, strict=True)) if values else None
    headers = {} if role == SIGNED_OUT else {"X-Session-Token": world.session_keys[role]}

    @configure
    @given(case_and_checks=_cases(operation, positive), use_real_ids=st.booleans())
    def run(case_and_checks: tuple[Any, list[Any]], use_real_ids: bool) -> None:
        case, checks = case_and_checks
        if use_real_ids and real and case.path_parameters:
            case.path_parameters = {**case.path_parameters, **real}
        with transaction.atomic():
            if undocumented:
                case.method = method
                if method == "HEAD":
                    case.body = None
                response = case.call(headers=headers)
                assert response.status_code < 500, (
                    f"{method} {case.formatted_path} answered {response.status_code}"
                )
            else:
                case.call_and_validate(headers=headers, checks=checks)
            transaction.set_rollback(True)

    run()


def test_every_api_url_is_in_the_schema() -> None:
    """Schemathesis can only test what the schema documents."""
    documented = {_shape(path) for _, path in OPERATIONS}
    patterns = [p for p in all_patterns() if p.route.startswith("api/v1/")]

    missing = [p.key for p in patterns if _shape(p.route) not in documented]

    assert not missing, f"API URLs missing from /api/schema/: {missing}"


DERANDOMISED = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # report the first failure, unshrunk
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_conforms_to_the_schema(
    api_schema: Any, world: World, method: str, path: str, role: str
) -> None:
    _send(api_schema, world, method, path, role, CONFORMANCE, DERANDOMISED)


def _fuzzing(examples: int) -> Callable[[Any], Any]:
    """Random generation from this run's seed (``LEARNHUB_FUZZ_SEED`` replays it)."""

    def configure(test: Any) -> Any:
        configured = settings(
            max_examples=examples,
            derandomize=False,
            database=None,
            deadline=None,
            phases=[Phase.generate],  # the first failure, unshrunk: the seed replays it
            suppress_health_check=list(HealthCheck),
        )(test)
        return seed(FUZZ_SEED)(configured)

    return configure


FUZZED = OPERATIONS + UNDOCUMENTED


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [True, False], ids=["party", "signed-out"])
@pytest.mark.parametrize(("method", "path"), FUZZED, ids=[f"{m} {p}" for m, p in FUZZED])
def test_no_input_makes_a_server_error(
    api_schema: Any, world: World, method: str, path: str, signed_in: bool
) -> None:
    role = FUZZ_ROLE if signed_in else SIGNED_OUT
    # Signed out every request stops at authentication, and OPTIONS and HEAD read only the
    # URL: half as many requests find as much there.
    full = signed_in and method not in UNDOCUMENTED_METHODS
    examples = FUZZ_EXAMPLES if full else max(1, FUZZ_EXAMPLES // 2)
    try:
        _send(api_schema, world, method, path, role, NO_SERVER_ERROR, _fuzzing(examples))
    except BaseException as failure:
        failure.add_note(
            f"Fuzzing seed {FUZZ_SEED} as {role}: replay with {FUZZ_SEED_VARIABLE}={FUZZ_SEED}."
        )
        raise
