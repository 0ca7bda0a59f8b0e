"""Every page of LearnHub, opened in Chromium by someone allowed to see it, has no axe
violation (WCAG A and AA, whatever their impact) at a desktop's 1280 CSS pixels, a phone's
390 and a narrow phone's 320; at 320 it reflows without scrolling sideways (WCAG 1.4.10);
and its title names the page first ("Consent – LearnHub").

The pages come from the URL patterns themselves and the authorisation matrix says who may
open each, in the authorisation world (tests/authz/world.py), so a new page is checked
without being listed here.
"""

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import Page

from accounts.models import User
from partnerships.models import Organisation, Partnership
from tests.authz.coverage import coverage
from tests.authz.patterns import all_patterns
from tests.authz.rules import Status, Surface, resolve
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
    World,
    build_world,
)
from tests.browser.helpers import axe_violations

pytestmark = pytest.mark.browser

NARROW = 320
# The widths axe checks every page at: a desktop, a phone, and the narrowest phone.
WIDTHS = (1280, 390, NARROW)
# Who opens each page: everyone the matrix lets see it, as each sees different things.
VIEWERS = (
    LEARNING_PARTNER,
    FUNDER_ADMIN,
    GRANTEE_ADMIN,
    GRANTEE,
    FUNDER,
    ORG_ADMIN,
    ORG_MEMBER,
    INVITED,
    OUTSIDER,
    ANONYMOUS,
)
# A name with a word longer than a phone is wide, as people do type (a web address, a
# charity's run-together name): every page must wrap it.
LONG_WORD = "Riverside" + "Community" * 6
# Not pages people read: the API's schema and the health check answer JSON or YAML.
NOT_PAGES = {"api-schema", "healthz"}
# Each width's pages are opened in this many tests, every third page in each, so the
# test workers share them instead of one worker opening them all while the others wait.
SHARDS = 3


def _pages(world: World) -> list[tuple[str, str, str]]:
    """(pattern key, viewer, path) for every page of ours, once for each person who may
    open it with a GET."""
    entries = coverage().entries
    pages = []
    for pattern in all_patterns():
        entry = entries.get(pattern.key)
        if (
            entry is None
            or entry.surface is not Surface.WEB
            or "GET" not in entry.checks
            or not pattern.is_project
            or pattern.key in NOT_PAGES
        ):
            continue
        rules = entry.checks["GET"].rules
        viewers = [role for role in VIEWERS if resolve(rules[role], entry.surface) == Status(200)]
        if not viewers:
            continue
        kwargs = entry.kwargs(world) if entry.kwargs else world.kwargs_for(pattern)
        path = entry.path(world) if entry.path else pattern.build_path(kwargs)
        pages += [(pattern.key, viewer, path) for viewer in viewers]
    return pages


def _with_long_words(world: World) -> None:
    for organisation in (world.grantee_org, world.funder_org, world.organisation):
        Organisation.objects.filter(pk=organisation.pk).update(
            name=f"{LONG_WORD} {organisation.name}"
        )
    Partnership.objects.filter(pk=world.partnership.pk).update(
        title=f"{world.partnership.title} {LONG_WORD}"
    )
    User.objects.filter(pk=world.people[GRANTEE].pk).update(name=f"Sam {LONG_WORD}")


def _as(page: Page, base_url: str, world: World, role: str) -> None:
    page.context.clear_cookies()
    if role != ANONYMOUS:
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": world.session_keys[role],
                    "url": base_url,
                }
            ]
        )


@pytest.mark.parametrize("shard", range(SHARDS))
@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_passes_axe_and_names_itself_and_fits_a_narrow_phone(
    page: Page, live_server: Any, width: int, shard: int
) -> None:
    world = build_world()
    _with_long_words(world)
    pages = _pages(world)
    assert len({key for key, _, _ in pages}) >= 50, [key for key, _, _ in pages]
    page.set_viewport_size({"width": width, "height": 720})
    problems: list[str] = []
    checked = 0
    for key, viewer, path in pages[shard::SHARDS]:
        _as(page, live_server.url, world, viewer)
        probe = page.request.get(path)  # the browser context's cookies: the same person
        if probe.status != 200:
            problems.append(f"{key} as {viewer}: {probe.status} at {path}")
            continue
        if "text/html" not in (probe.headers.get("content-type") or ""):
            continue  # an export (PDF, CSV, Markdown): a download, not a page to reflow
        page.goto(path)
        checked += 1
        if width == NARROW:
            problems += _title_and_reflow_problems(page, f"{key} as {viewer}")
        for violation in axe_violations(page):
            problems.append(
                f"{key} as {viewer} at {width}px: axe {violation['id']} "
                f"({violation['impact']}): {violation['help']}"
            )
    # 47 HTML pages, 165 page and viewer pairs, in December 2026: 55 in each shard.
    assert checked >= 100 // SHARDS
    assert not problems, f"{len(problems)} of {checked} pages:\n" + "\n".join(problems)


def _title_and_reflow_problems(page: Page, who: str) -> list[str]:
    problems = []
    title = page.title()
    # "<page> – LearnHub"; a shared brief, outside the site, is "<brief> – <partnership>".
    if " – " not in title or title.startswith("LearnHub"):
        problems.append(f"{who}: the title {title!r} does not name the page first")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > NARROW:
        wide = page.evaluate(
            """(limit) => [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > limit + 1)
                .slice(-3).map(el => el.outerHTML.slice(0, 100))""",
            NARROW,
        )
        problems.append(f"{who} ({urlsplit(page.url).path}): {width}px wide; {wide}")
    return problems
