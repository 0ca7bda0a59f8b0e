"""Every (URL pattern, method, role) of the matrix, requested for real against the world.

A role refused a write is also checked to have changed nothing: every row of every table
(sessions aside) is the same after the request as before it; a write stated as done must
have changed a row. Third-party views are requested as three roles (see
``THIRD_PARTY_ROLES``); our own views as every role.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files import File
from django.db import connection, models
from django.http import HttpResponseBase
from django.test import Client

from tests.authz.coverage import coverage
from tests.authz.patterns import Pattern, all_patterns, implemented_methods
from tests.authz.rules import SIGNED_IN, Entry, Surface, resolve
from tests.authz.world import ANONYMOUS, FUNDER_ADMIN, OUTSIDER, ROLES, World

PATTERNS = {pattern.key: pattern for pattern in all_patterns()}
ENTRIES = coverage().entries

# Third-party views (allauth, the Django admin) cannot tell our roles apart: to them a
# person is signed in or not (nobody in the world is staff). Where the matrix gives every
# signed-in role the same outcome there, two stand for them all: the outsider, who belongs
# to nothing, and the funder's admin, who may do the most. Our own views get every role.
THIRD_PARTY_ROLES = (ANONYMOUS, OUTSIDER, FUNDER_ADMIN)


def roles_to_request(pattern: Pattern, entry: Entry, method: str) -> tuple[str, ...]:
    rules = entry.checks[method].rules
    if pattern.is_project or len({rules[role] for role in SIGNED_IN}) > 1:
        return ROLES
    return THIRD_PARTY_ROLES


CASES = [
    pytest.param(key, method, role, id=f"{key}|{method}|{role}")
    for key, entry in ENTRIES.items()
    for method in entry.checks
    for role in roles_to_request(PATTERNS[key], entry, method)
]

# Tables a refused request may legitimately touch: the session store only.
_UNWATCHED: set[type[models.Model]] = {Session}


def _watched_tables() -> list[str]:
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model not in _UNWATCHED and model._meta.managed
    }
    return sorted(tables)


WATCHED_TABLES = _watched_tables()


def database_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every watched table, to compare before and after a request.

    Plain SQL: this runs twice for every write in the matrix, and the ORM would be slow.
    """
    rows = {}
    with connection.cursor() as cursor:
        for table in WATCHED_TABLES:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")  # noqa: S608
            rows[table] = cursor.fetchall()
    return rows


def _changes(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> list[str]:
    changed = []
    for label, rows in before.items():
        if after[label] != rows:
            added = len(after[label]) - len(rows)
            changed.append(f"{label} ({added:+d} rows)" if added else f"{label} (rows changed)")
    return changed


def _client(surface: Surface, world: World, role: str) -> tuple[Client, dict[str, str]]:
    client = Client()
    headers: dict[str, str] = {}
    if role == ANONYMOUS:
        return client, headers
    key = world.session_keys[role]
    if surface in (Surface.API, Surface.APP):
        headers["HTTP_X_SESSION_TOKEN"] = key
    else:
        client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client, headers


def _request(
    surface: Surface,
    client: Client,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    headers: dict[str, str],
) -> HttpResponseBase:
    if method == "GET":
        return client.get(path, **headers)  # type: ignore[arg-type]
    if surface in (Surface.WEB, Surface.ADMIN):
        if method == "POST":
            return client.post(path, body or {}, **headers)  # type: ignore[arg-type]
        return client.generic(method, path, **headers)  # type: ignore[arg-type]
    if method == "POST" and any(isinstance(value, File) for value in (body or {}).values()):
        return client.post(path, body, **headers)  # type: ignore[arg-type]  # multipart upload
    payload = json.dumps(body or {})
    return client.generic(method, path, payload, content_type="application/json", **headers)  # type: ignore[arg-type]


def _path(pattern: Pattern, entry: Entry, world: World) -> str:
    if entry.path is not None:
        return entry.path(world)
    kwargs = entry.kwargs(world) if entry.kwargs is not None else world.kwargs_for(pattern)
    return pattern.build_path(kwargs)


def _excerpt(response: HttpResponseBase) -> str:
    content = getattr(response, "content", b"")[:500]
    return content.decode("utf-8", "replace")


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "method", "role"), CASES)
def test_role_gets_the_stated_outcome(world: World, key: str, method: str, role: str) -> None:
    pattern, entry = PATTERNS[key], ENTRIES[key]
    check = entry.checks[method]
    expected = resolve(check.rules[role], entry.surface)
    path = _path(pattern, entry, world)
    client, headers = _client(entry.surface, world, role)
    body = check.body(world) if check.body is not None else None
    watch = method != "GET" and (expected.changes_nothing or expected.changes_something)
    before = database_rows() if watch else None

    response = _request(entry.surface, client, method, path + check.query, body, headers)

    problem = expected.problem(response, path + check.query)
    assert problem is None, (
        f"{method} {path + check.query} as {role}: {problem}\n{_excerpt(response)}"
    )
    # Every answer, page or API, success or refusal, carries a Content-Security-Policy.
    assert "default-src" in response.get("Content-Security-Policy", ""), (
        f"{method} {path} as {role}: no Content-Security-Policy"
    )
    if before is not None:
        changed = _changes(before, database_rows())
        if expected.changes_nothing:
            assert not changed, f"{method} {path} as {role} was refused but changed {changed}"
        else:
            assert changed, f"{method} {path} as {role} was allowed but changed nothing"


# --- Methods a page does not state ------------------------------------------------------------
# DRF views declare their methods, and ``tests/authz/coverage.py`` holds the matrix to them.
# Our function-based pages do not, so they are asked: every method a page's entry leaves out
# must be refused with 405 (and change nothing) for someone who may use the page, instead
# of being served as if it were a GET.

_ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
UNSTATED = [
    pytest.param(key, method, id=f"{key}|{method}")
    for key, entry in ENTRIES.items()
    if not entry.group
    and PATTERNS[key].is_project
    and implemented_methods(PATTERNS[key].callback) is None
    for method in _ALL_METHODS
    if method not in entry.checks
]


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "method"), UNSTATED)
def test_a_page_refuses_the_methods_its_entry_leaves_out(
    world: World, key: str, method: str
) -> None:
    pattern, entry = PATTERNS[key], ENTRIES[key]
    path = _path(pattern, entry, world)
    client, headers = _client(entry.surface, world, FUNDER_ADMIN)
    before = database_rows()
    response = _request(entry.surface, client, method, path, None, headers)
    assert response.status_code == 405, f"{method} {path}: {response.status_code}"
    assert not _changes(before, database_rows())
