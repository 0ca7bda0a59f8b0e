"""Chromium reports no Content-Security-Policy violation on LearnHub's key pages, the API
docs and the HTML brief included; and the check does catch a violation when there is one."""

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.helpers import sign_in
from tests.evidence.briefs_scene import add_evidence, brief_scene, drafted

pytestmark = pytest.mark.browser


def watch_violations(page: Page) -> list[str]:
    """Every CSP violation Chromium reports on ``page`` from now on (console and event)."""
    seen: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            seen.append(message.text)

    page.on("console", on_console)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return seen


def visit(page: Page, path: str, ready: Callable[[Page], Any] | None = None) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status < 400, (path, response.status)
    assert "content-security-policy" in response.headers, path
    page.wait_for_load_state("networkidle")
    if ready is not None:
        ready(page)


def test_the_check_catches_a_violation(page: Page) -> None:
    seen = watch_violations(page)
    page.route(
        "http://csp.test/",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": "default-src 'self'"},
            body="<!doctype html><title>x</title><script>document.title='ran'</script>",
        ),
    )

    page.goto("http://csp.test/")

    assert page.title() == "x"
    assert any("script-src" in message for message in seen), seen


def test_key_pages_run_under_the_policy_with_no_violation(page: Page) -> None:
    scene = brief_scene(title="Warm spaces for young people")
    add_evidence(scene.grantee_party, kind="quote", body="Warm on Tuesdays.", questions=[scene.q1])
    brief = drafted(scene)
    pk = scene.partnership.pk
    seen = watch_violations(page)

    for path in ["/", "/accounts/login/", "/accounts/signup/", "/admin/login/"]:
        visit(page, path)
    visit(
        page,
        "/api/docs/",
        lambda p: expect(p.locator(".swagger-ui .info .title")).to_contain_text("LearnHub API"),
    )
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()

    sign_in(page, scene.lp_member.email)
    for path in [
        "/dashboard/",
        f"/partnerships/{pk}/",
        f"/partnerships/{pk}/evidence/",
        f"/partnerships/{pk}/briefs/",
        f"/briefs/{brief.pk}/",
        f"/briefs/{brief.pk}/edit/",
        "/accounts/email/",
    ]:
        visit(page, path)
    visit(
        page,
        f"/briefs/{brief.pk}/download/html/",
        lambda p: expect(p.locator("#brief-title")).to_be_visible(),
    )
    # The brief's inline style applied: its body is limited to 50rem (800px).
    assert page.evaluate("getComputedStyle(document.body).maxWidth") == "800px"
    visit(page, f"/api/v1/briefs/{brief.pk}/export/?format=html")
    assert page.evaluate("getComputedStyle(document.body).maxWidth") == "800px"

    assert seen == []
