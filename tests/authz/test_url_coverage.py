"""Every URL pattern the project serves has an entry in the role matrix, and every entry
still matches a pattern. Run ``python -m tests.authz.patterns`` to list the patterns."""

import re

from tests.authz.coverage import coverage
from tests.authz.patterns import Pattern, all_patterns
from tests.authz.rules import (
    FORBIDDEN,
    NON_PARTIES,
    NOT_ALLOWED,
    NOT_FOUND,
    SIGNED_IN,
    Check,
    Surface,
    api,
    group,
    public,
    signed_in,
    staff_only,
    web,
)


def test_every_url_pattern_has_a_matrix_entry():
    result = coverage()

    uncovered = [f"{p.key}  ({p.route})" for p in result.uncovered]
    assert not uncovered, (
        "URL patterns with no entry in tests/authz/matrix.py (see its docstring):\n  "
        + "\n  ".join(uncovered)
    )


def test_every_matrix_entry_matches_a_url_pattern():
    result = coverage()

    stale = [entry.key for entry in result.stale]
    assert not stale, "matrix entries that match no URL pattern (remove or rename them):\n  " + (
        "\n  ".join(stale)
    )


def test_matrix_entries_are_unambiguous_and_state_every_method():
    result = coverage()

    assert not result.problems, "\n".join(result.problems)


def test_walker_sees_nested_namespaces_regex_and_unnamed_patterns():
    keys = {pattern.key for pattern in all_patterns()}

    assert "headless:app:account:login" in keys  # three nested namespaces
    assert "account_confirm_email" in keys  # a regex pattern inside a route include
    assert "admin/(?P<url>.*)$" in keys  # an unnamed regex pattern keyed by its route
    assert "api:me" in keys  # the API, mounted with its own namespace


# URLs of things inside a partnership: the partnership itself and what hangs off it.
INSIDE_A_PARTNERSHIP = re.compile(r"(^|/)(partnerships|briefs|evidence|learning-actions|actions)/<")


def test_the_matrix_says_outsiders_get_404_on_every_partnership_url():
    """PRODUCT.md: nobody outside a partnership learns anything about it (404, not 403).
    test_matrix.py then checks that the code agrees."""
    entries = coverage().entries
    inside = [p for p in all_patterns() if p.is_project and INSIDE_A_PARTNERSHIP.search(p.route)]

    wrong = [
        f"{pattern.key} {method} {role}: {check.rules[role]}"
        for pattern in inside
        for method, check in entries[pattern.key].checks.items()
        if not _unanswered(check)
        for role in NON_PARTIES
        if check.rules[role] != NOT_FOUND
    ]

    assert len(inside) > 40  # partnerships, consent, evidence, briefs, actions: web and API
    assert not wrong, "\n".join(wrong)


def _unanswered(check: Check) -> bool:
    """A method the view does not have: 405 for everyone, whatever the object."""
    return all(check.rules[role] == NOT_ALLOWED for role in SIGNED_IN)


def _patterns(*keys: str) -> tuple[Pattern, ...]:
    return tuple(pattern for pattern in all_patterns() if pattern.key in keys)


def test_coverage_lists_patterns_without_an_entry_and_entries_without_a_pattern():
    patterns = _patterns("home", "dashboard")
    matrix = [web("home", GET=public()), web("no-such-page", GET=public())]

    result = coverage(patterns, matrix)

    assert [pattern.key for pattern in result.uncovered] == ["dashboard"]
    assert [entry.key for entry in result.stale] == ["no-such-page"]


def test_a_group_rule_covers_third_party_patterns_it_matches_but_never_our_own():
    patterns = _patterns("admin:index", "admin:login", "dashboard")
    matrix = [
        group(Surface.ADMIN, "admin:*", why="all behind admin_view", GET=staff_only()),
        group(Surface.WEB, "dash*", why="a glob must not cover our own views", GET=public()),
    ]

    result = coverage(patterns, matrix)

    assert set(result.entries) == {"admin:index", "admin:login"}
    assert result.problems == [
        "dashboard: our own views need an exact entry, not a group rule (dash*)"
    ]


def test_an_api_entry_must_state_every_method_the_view_answers():
    patterns = _patterns("api:organisation-list")
    matrix = [api("api:organisation-list", GET=signed_in())]

    result = coverage(patterns, matrix)

    assert result.problems == [
        "api:organisation-list: the view answers ['GET', 'POST'] but the matrix states only ['GET']"
    ]


def test_a_method_the_api_view_lacks_must_be_stated_as_405():
    patterns = _patterns("api:me")
    matrix = [api("api:me", GET=signed_in(), DELETE=signed_in(FORBIDDEN))]

    result = coverage(patterns, matrix)

    assert result.problems == ["api:me: the view has no DELETE, so the matrix must state 405"]
