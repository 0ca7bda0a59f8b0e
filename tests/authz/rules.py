"""The vocabulary of the role matrix: surfaces, outcomes, rule makers and entries.

``tests/authz/matrix.py`` is written in these words; see its docstring for how to add an
entry. Nothing here knows about particular URLs.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.http import HttpResponseBase
from django.urls import Resolver404
from django.urls import resolve as django_resolve

from tests.authz.world import (
    ANONYMOUS,
    FUNDER,
    FUNDER_ADMIN,
    GRANTEE,
    GRANTEE_ADMIN,
    INVITED,
    LEARNING_PARTNER,
    ORG_ADMIN,
    ORG_MEMBER,
    OUTSIDER,
    ROLES,
    World,
)

# --- Role groups -------------------------------------------------------------------------

SIGNED_IN: tuple[str, ...] = tuple(role for role in ROLES if role != ANONYMOUS)
#: Accepted parties of ``world.partnership``.
PARTIES: tuple[str, ...] = (GRANTEE, GRANTEE_ADMIN, LEARNING_PARTNER, FUNDER, FUNDER_ADMIN)
#: Signed in, but no party (not even invited) of ``world.partnership``.
NON_PARTIES: tuple[str, ...] = (OUTSIDER, ORG_MEMBER, ORG_ADMIN)
#: Signed in, but not in ``world.organisation``.
NOT_IN_ORGANISATION: tuple[str, ...] = tuple(
    role for role in SIGNED_IN if role not in (ORG_MEMBER, ORG_ADMIN)
)


class Surface(StrEnum):
    """How a URL is reached: decides how a role signs in and what "not signed in" means."""

    WEB = "web"  # pages: session cookie; anonymous -> redirect to the sign-in page
    ADMIN = "admin"  # Django admin: session cookie; anonymous -> the admin's own sign-in
    API = "api"  # /api/v1/: X-Session-Token, JSON; anonymous -> 401
    APP = "app"  # allauth headless "app" client: X-Session-Token, JSON; anonymous -> 401
    BROWSER = "browser"  # allauth headless "browser" client: session cookie, JSON


# --- Outcomes ------------------------------------------------------------------------------


class Outcome(Protocol):
    @property
    def changes_nothing(self) -> bool:
        """The request must leave every row as it was (checked for writes)."""

    @property
    def changes_something(self) -> bool:
        """The request must change at least one row (checked for writes)."""

    def problem(self, response: HttpResponseBase, path: str) -> str | None:
        """Why ``response`` (to a request for ``path``, query included) is not this
        outcome, or None."""


def _location(response: HttpResponseBase) -> str:
    return str(response.headers.get("Location", ""))


def _is_redirect(response: HttpResponseBase) -> bool:
    return response.status_code in (301, 302, 303, 307, 308)


def _redirect_target(response: HttpResponseBase) -> str | None:
    """The URL name the response redirects to (or its path, if it resolves to no name)."""
    path = urlsplit(_location(response)).path
    try:
        match = django_resolve(path)
    except Resolver404:
        return path
    return match.view_name or path


def _redirects_to_sign_in(response: HttpResponseBase) -> bool:
    if not _is_redirect(response):
        return False
    return _redirect_target(response) in (settings.LOGIN_URL, "admin:login")


@dataclass(frozen=True)
class Status:
    """Exactly this status code; a 4xx (or ``refused=True``) must change nothing.

    ``refused=True`` is for pages that refuse by showing the form again with an error.
    """

    code: int
    refused: bool = False
    changes_something = False

    @property
    def changes_nothing(self) -> bool:
        return self.code >= 400 or self.refused

    def problem(self, response: HttpResponseBase, path: str) -> str | None:
        if response.status_code != self.code:
            return f"expected {self.code}, got {response.status_code} {_location(response)}"
        return None

    def __str__(self) -> str:
        return str(self.code)


@dataclass(frozen=True)
class Allowed:
    """The role may do this: a success or a redirect, never 401/403/404/405 or sign-in.

    ``done=True``: the write must also change at least one row (for pages where being
    refused and succeeding both redirect to the same place).
    """

    done: bool = False
    changes_nothing = False

    @property
    def changes_something(self) -> bool:
        return self.done

    def problem(self, response: HttpResponseBase, path: str) -> str | None:
        code = response.status_code
        if _redirects_to_sign_in(response):
            return f"expected to be allowed, was sent to sign in ({_location(response)})"
        if not 200 <= code < 400:
            return f"expected to be allowed (2xx/3xx), got {code}"
        return None

    def __str__(self) -> str:
        return "done" if self.done else "allowed"


@dataclass(frozen=True)
class SignInRedirect:
    """Sent to a sign-in page (a URL name) with ``?next=`` pointing back at the URL
    (with its query)."""

    login_url: str
    changes_nothing = True
    changes_something = False

    def problem(self, response: HttpResponseBase, path: str) -> str | None:
        if not _is_redirect(response):
            return f"expected a redirect to sign in, got {response.status_code}"
        if _redirect_target(response) != self.login_url:
            return f"expected a redirect to {self.login_url}, got {_location(response)}"
        query = urlsplit(_location(response)).query
        if parse_qs(query).get("next") != [path]:
            return f"expected ?next={path}, got {query!r}"
        return None

    def __str__(self) -> str:
        return f"sign in at {self.login_url}"


@dataclass(frozen=True)
class RedirectTo:
    """A redirect to the page with URL name ``to`` (its arguments and query are ignored).

    ``refused=True``: a page that refuses by redirecting with a message; nothing changes.
    ``done=True``: a form that did what was asked; at least one row changed.
    """

    to: str
    refused: bool = False
    done: bool = False

    @property
    def changes_nothing(self) -> bool:
        return self.refused

    @property
    def changes_something(self) -> bool:
        return self.done

    def problem(self, response: HttpResponseBase, path: str) -> str | None:
        if not _is_redirect(response):
            return f"expected a redirect to {self.to}, got {response.status_code}"
        if _redirect_target(response) != self.to:
            return f"expected a redirect to {self.to}, got {_location(response)}"
        return None

    def __str__(self) -> str:
        prefix = "refused, " if self.refused else "done, " if self.done else ""
        return f"{prefix}redirect to {self.to}"


@dataclass(frozen=True)
class _NotSignedIn:
    """Placeholder for anonymous: what it means depends on the surface (see ``resolve``)."""

    changes_nothing = True
    changes_something = False

    def problem(self, response: HttpResponseBase, path: str) -> str | None:
        raise TypeError("resolve() the anonymous outcome for its surface first")


NOT_SIGNED_IN = _NotSignedIn()
OK = Allowed()
DONE = Allowed(done=True)
OK_200 = Status(200)
CREATED = Status(201)
BAD_REQUEST = Status(400)
UNAUTHORISED = Status(401)
FORBIDDEN = Status(403)
NOT_FOUND = Status(404)
NOT_ALLOWED = Status(405)
CONFLICT = Status(409)


def status(code: int) -> Status:
    return Status(code)


def redirect(to: str) -> RedirectTo:
    """Redirected to the page named ``to``."""
    return RedirectTo(to)


def refused_redirect(to: str) -> RedirectTo:
    """Refused: redirected to the page named ``to`` (with a message); nothing changes."""
    return RedirectTo(to, refused=True)


def done_redirect(to: str) -> RedirectTo:
    """Done: a row changed, then redirected to the page named ``to``."""
    return RedirectTo(to, done=True)


#: A form shown again with an error (200): nothing changes.
REFUSED_FORM = Status(200, refused=True)


def resolve(outcome: Outcome, surface: Surface) -> Outcome:
    """Turn the anonymous placeholder into what the surface answers to a stranger."""
    if not isinstance(outcome, _NotSignedIn):
        return outcome
    if surface is Surface.WEB:
        return SignInRedirect(str(settings.LOGIN_URL))
    if surface is Surface.ADMIN:
        return SignInRedirect("admin:login")
    return UNAUTHORISED  # the API contract and allauth headless both answer 401


# --- Checks (one HTTP method of one pattern) -----------------------------------------------

Body = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Check:
    rules: Mapping[str, Outcome]
    body: Body | None = None  # form fields for pages, JSON (or multipart) otherwise
    query: str = ""  # appended to the path, e.g. "?format=json"

    def __post_init__(self) -> None:
        missing = [role for role in ROLES if role not in self.rules]
        unknown = [role for role in self.rules if role not in ROLES]
        if missing or unknown:
            raise ValueError(f"a check must state every role: missing {missing}, unknown {unknown}")


def _rules(base: dict[str, Outcome], overrides: Mapping[str, Outcome]) -> dict[str, Outcome]:
    unknown = set(overrides) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}; roles are {ROLES}")
    return {**base, **overrides}


def everyone(
    outcome: Outcome, *, body: Body | None = None, query: str = "", **overrides: Outcome
) -> Check:
    """Every role gets ``outcome`` (unless overridden), anonymous included."""
    return Check(_rules(dict.fromkeys(ROLES, outcome), overrides), body, query)


def public(
    outcome: Outcome = OK_200, *, body: Body | None = None, query: str = "", **overrides: Outcome
) -> Check:
    """Anyone, signed in or not."""
    return everyone(outcome, body=body, query=query, **overrides)


def signed_in(
    outcome: Outcome = OK_200, *, body: Body | None = None, query: str = "", **overrides: Outcome
) -> Check:
    """Anyone signed in; anonymous is sent to sign in (pages) or gets 401 (API)."""
    base = {ANONYMOUS: NOT_SIGNED_IN, **dict.fromkeys(SIGNED_IN, outcome)}
    return Check(_rules(base, overrides), body, query)


def signed_out(
    outcome: Outcome = OK_200,
    *,
    signed_in_outcome: Outcome,
    body: Body | None = None,
    query: str = "",
    **overrides: Outcome,
) -> Check:
    """Pages for people not signed in (sign in, sign up): ``signed_in_outcome`` for the rest."""
    base = {ANONYMOUS: outcome, **dict.fromkeys(SIGNED_IN, signed_in_outcome)}
    return Check(_rules(base, overrides), body, query)


def staff_only(*, body: Body | None = None, query: str = "") -> Check:
    """The Django admin: nobody in the world is staff, so everyone is sent to its sign-in."""
    return everyone(SignInRedirect("admin:login"), body=body, query=query)


def org_only(
    *,
    member: Outcome,
    admin: Outcome,
    others: Outcome = NOT_FOUND,
    body: Body | None = None,
    query: str = "",
    **overrides: Outcome,
) -> Check:
    """Things of ``world.organisation``: its members and admins; ``others`` (404) for the rest."""
    base = {
        ANONYMOUS: NOT_SIGNED_IN,
        **dict.fromkeys(NOT_IN_ORGANISATION, others),
        ORG_MEMBER: member,
        ORG_ADMIN: admin,
    }
    return Check(_rules(base, overrides), body, query)


def party_only(
    allowed: Outcome = OK_200,
    *,
    only: Iterable[str] = PARTIES,
    refused: Outcome = FORBIDDEN,
    invited: Outcome = NOT_FOUND,
    body: Body | None = None,
    query: str = "",
    **overrides: Outcome,
) -> Check:
    """Things inside ``world.partnership``.

    Accepted parties in ``only`` get ``allowed``, the other accepted parties ``refused``
    (403: they may see it but not do this); an invited party gets ``invited`` (404: it sees
    only the partnership and its own invitation); everyone else 404, so nothing leaks.
    """
    only = tuple(only)
    unknown = set(only) - set(PARTIES)
    if unknown:
        raise ValueError(f"only= takes accepted party roles {PARTIES}, not {sorted(unknown)}")
    base: dict[str, Outcome] = {
        ANONYMOUS: NOT_SIGNED_IN,
        **dict.fromkeys(NON_PARTIES, NOT_FOUND),
        INVITED: invited,
        **{role: (allowed if role in only else refused) for role in PARTIES},
    }
    return Check(_rules(base, overrides), body, query)


# --- Entries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """Who may do what on one URL pattern (or, for ``group=True``, every pattern whose key
    matches the glob ``key``)."""

    key: str
    surface: Surface
    checks: Mapping[str, Check]
    group: bool = False
    path: Callable[[World], str] | None = None  # for patterns that cannot be reversed
    kwargs: Callable[[World], dict[str, Any]] | None = None  # overrides world.kwargs_for
    why: str = ""

    def matches(self, key: str) -> bool:
        return fnmatch.fnmatchcase(key, self.key) if self.group else key == self.key


_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _entry(
    surface: Surface,
    key: str,
    *,
    group: bool = False,
    path: Callable[[World], str] | None = None,
    kwargs: Callable[[World], dict[str, Any]] | None = None,
    why: str = "",
    **checks: Check,
) -> Entry:
    unknown = set(checks) - set(_METHODS)
    if unknown:
        raise ValueError(f"{key}: unknown methods {sorted(unknown)}; use {_METHODS}")
    if not checks:
        raise ValueError(f"{key}: state at least one method")
    if group and not why:
        raise ValueError(f"{key}: a group rule must say why its patterns behave alike")
    return Entry(
        key=key,
        surface=surface,
        checks=checks,
        group=group,
        path=path,
        kwargs=kwargs,
        why=why,
    )


def web(key: str, **options: Any) -> Entry:
    return _entry(Surface.WEB, key, **options)


def api(key: str, **options: Any) -> Entry:
    return _entry(Surface.API, key, **options)


def app(key: str, **options: Any) -> Entry:
    return _entry(Surface.APP, key, **options)


def browser(key: str, **options: Any) -> Entry:
    return _entry(Surface.BROWSER, key, **options)


def admin(key: str, **options: Any) -> Entry:
    return _entry(Surface.ADMIN, key, **options)


def group(surface: Surface, glob: str, *, why: str, **options: Any) -> Entry:
    """One rule for every third-party pattern whose key matches ``glob``."""
    return _entry(surface, glob, group=True, why=why, **options)
