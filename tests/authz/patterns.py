"""Walk every URL pattern the project serves and give each one a stable key.

The key is the pattern's full namespaced name (``api:partnership-detail``,
``headless:app:account:login``), or, for an unnamed pattern, its full route
(``admin/auth/group/<path:object_id>/``). When two patterns share a name, the route is
appended to tell them apart: ``name [route]``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

_CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")

# The packages whose views are ours: their patterns need an exact matrix entry.
PROJECT_PACKAGES = (
    "learnhub",
    "accounts",
    "partnerships",
    "consent",
    "pulse",
    "rhythm",
    "evidence",
    "notifications",
)


@dataclass(frozen=True)
class Pattern:
    key: str
    name: str | None  # full namespaced name, when the pattern has one
    route: str  # the concatenated route/regex strings, for reading and unnamed patterns
    parts: tuple[URLPattern | URLResolver, ...]  # resolvers from the root, then the pattern
    callback: Any

    @property
    def is_project(self) -> bool:
        """Whether the view is our own code (not allauth's, Django admin's, ...)."""
        module = view_module(self.callback)
        return module.split(".")[0] in PROJECT_PACKAGES

    @property
    def kwarg_names(self) -> tuple[str, ...]:
        names: list[str] = []
        for part in self.parts:
            pattern = part.pattern
            if isinstance(pattern, RoutePattern):
                names += [m["name"] for m in _CONVERTER.finditer(str(pattern))]
            elif isinstance(pattern, RegexPattern):
                names += list(pattern.regex.groupindex)
        return tuple(names)

    def build_path(self, kwargs: Mapping[str, Any]) -> str:
        """The absolute path of this pattern with ``kwargs`` filled in.

        Named patterns are reversed by name; unnamed route patterns are filled in part by
        part with each converter's ``to_url``. Unnamed regex patterns cannot be built
        generically: their matrix entry gives the path.
        """
        if self.name is not None:
            return reverse(self.name, kwargs=dict(kwargs))
        path = "/"
        for part in self.parts:
            pattern = part.pattern
            if not isinstance(pattern, RoutePattern):
                raise ValueError(f"{self.key}: give the path of this regex pattern explicitly")
            converters = pattern.converters

            def fill(match: re.Match[str], converters: Mapping[str, Any] = converters) -> str:
                name = match["name"]
                return str(converters[name].to_url(kwargs[name]))

            path += _CONVERTER.sub(fill, str(pattern))
        return path


def view_module(callback: Any) -> str:
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback
    return str(getattr(view, "__module__", ""))


def view_class(callback: Any) -> type | None:
    """The class behind a class-based view (Django ``View`` or DRF ``APIView``), if any."""
    return getattr(callback, "view_class", None) or getattr(callback, "cls", None)


def _walk(
    resolver: URLResolver, parents: tuple[URLResolver, ...], namespaces: tuple[str, ...]
) -> Iterator[tuple[tuple[URLPattern | URLResolver, ...], tuple[str, ...], URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespaces + ((entry.namespace,) if entry.namespace else ())
            yield from _walk(entry, (*parents, entry), inner)
        else:
            yield (*parents, entry), namespaces, entry


@cache
def all_patterns(urlconf: str | None = None) -> tuple[Pattern, ...]:
    """Every URL pattern reachable from the root URLconf, in resolution order."""
    root = get_resolver(urlconf or settings.ROOT_URLCONF)
    raw = []
    for parts, namespaces, pattern in _walk(root, (), ()):
        route = "".join(str(part.pattern) for part in parts)
        name = ":".join((*namespaces, pattern.name)) if pattern.name else None
        raw.append((name, route, parts, pattern.callback))
    names = Counter(name for name, *_ in raw if name)
    patterns = []
    for name, route, parts, callback in raw:
        if name is None:
            key = route
        elif names[name] > 1:
            key = f"{name} [{route}]"
        else:
            key = name
        patterns.append(Pattern(key=key, name=name, route=route, parts=parts, callback=callback))
    keys = Counter(p.key for p in patterns)
    duplicates = sorted(k for k, n in keys.items() if n > 1)
    if duplicates:  # two identical routes: the second can never be reached
        raise AssertionError(f"URL patterns that shadow each other: {duplicates}")
    return tuple(patterns)


def implemented_methods(callback: Any) -> set[str] | None:
    """HTTP methods a class-based view implements (besides HEAD/OPTIONS); None if unknown."""
    cls = view_class(callback)
    if cls is None:
        return None
    allowed = set(getattr(cls, "http_method_names", ())) - {"head", "options", "trace"}
    # Class-based views bound with as_view(actions=...) (DRF viewsets) map methods to actions.
    actions = getattr(callback, "actions", None)
    if actions:
        return {method.upper() for method in actions} - {"HEAD", "OPTIONS"}
    return {method.upper() for method in allowed if hasattr(cls, method)}


def listing() -> str:
    """A readable table of every pattern: ``python -m tests.authz.patterns``."""
    lines = []
    for p in all_patterns():
        methods = implemented_methods(p.callback)
        shown = ",".join(sorted(methods)) if methods is not None else "?"
        lines.append(f"{p.key:70} {p.route:60} {shown:20} {view_module(p.callback)}")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    import django

    django.setup()
    print(listing())  # noqa: T201
