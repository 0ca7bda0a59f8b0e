"""Match every URL pattern to its matrix entry, and say what is uncovered or stale."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls.resolvers import RegexPattern
from rest_framework.views import APIView

from tests.authz.matrix import MATRIX
from tests.authz.patterns import Pattern, all_patterns, implemented_methods, view_class
from tests.authz.rules import NOT_ALLOWED, SIGNED_IN, Entry


@dataclass
class Coverage:
    entries: dict[str, Entry] = field(default_factory=dict)  # pattern key -> entry
    uncovered: list[Pattern] = field(default_factory=list)
    stale: list[Entry] = field(default_factory=list)  # entries that match no pattern
    problems: list[str] = field(default_factory=list)  # ambiguous or incomplete entries


def _check_methods(pattern: Pattern, entry: Entry) -> str | None:
    """For our own DRF views: the entry states every method the view answers, and any
    other method it states must be refused with 405 for everyone signed in."""
    cls = view_class(pattern.callback)
    if not pattern.is_project or cls is None or not issubclass(cls, APIView):
        return None
    implemented = implemented_methods(pattern.callback) or set()
    stated = set(entry.checks)
    if not implemented <= stated:
        return (
            f"{pattern.key}: the view answers {sorted(implemented)} but the matrix states "
            f"only {sorted(stated)}"
        )
    for method in sorted(stated - implemented):
        rules = entry.checks[method].rules
        if any(rules[role] != NOT_ALLOWED for role in SIGNED_IN):
            return f"{pattern.key}: the view has no {method}, so the matrix must state 405"
    return None


def coverage(patterns: tuple[Pattern, ...] | None = None, matrix: list[Entry] = MATRIX) -> Coverage:
    patterns = all_patterns() if patterns is None else patterns
    result = Coverage()
    exact: dict[str, Entry] = {}
    for candidate in matrix:
        if candidate.group:
            continue
        if candidate.key in exact:
            result.problems.append(f"{candidate.key}: two exact entries")
        exact[candidate.key] = candidate
    groups = [entry for entry in matrix if entry.group]
    used: set[int] = set()
    for pattern in patterns:
        entry: Entry | None = exact.get(pattern.key)
        if entry is None:
            matching = [g for g in groups if g.matches(pattern.key)]
            if len(matching) > 1:
                keys = ", ".join(g.key for g in matching)
                result.problems.append(f"{pattern.key}: matched by several group rules ({keys})")
            if matching and pattern.is_project:
                result.problems.append(
                    f"{pattern.key}: our own views need an exact entry, not a group rule "
                    f"({matching[0].key})"
                )
                continue
            entry = matching[0] if matching else None
        if entry is None:
            result.uncovered.append(pattern)
            continue
        used.add(id(entry))
        result.entries[pattern.key] = entry
        problem = _check_methods(pattern, entry)
        if problem:
            result.problems.append(problem)
        unnamed_regex = pattern.name is None and any(
            isinstance(part.pattern, RegexPattern) for part in pattern.parts
        )
        if unnamed_regex and entry.path is None:
            result.problems.append(f"{pattern.key}: an unnamed regex pattern needs path=")
    result.stale = [entry for entry in matrix if id(entry) not in used]
    return result
