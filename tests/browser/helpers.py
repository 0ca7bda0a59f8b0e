"""What a person checks with a browser, as reusable steps: accessibility, email links, sign-in."""

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import Page, expect

from tests.partnerships.factories import PASSWORD

# WCAG 2.0, 2.1 and 2.2, levels A and AA (axe-core tags).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BLOCKING_IMPACTS = ("serious", "critical")
NARROW_WIDTH = 320
# Stop tabbing after this many stops; a page with more is too long to check by keyboard here.
MAX_TAB_STOPS = 60

_axe = Axe()


def _describe(violation: dict[str, Any]) -> str:
    lines = [f"- {violation['id']} ({violation['impact']}): {violation['help']}"]
    for node in violation["nodes"][:10]:
        target = " ".join(str(part) for part in node["target"])
        summary = " ".join(node.get("failureSummary", "").split())
        lines.append(f"    at {target}: {summary}")
        lines.append(f"      {node.get('html', '')[:200]}")
    if len(violation["nodes"]) > 10:
        lines.append(f"    ... and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG A/AA violations of the page as it is now."""
    results = _axe.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "resultTypes": ["violations"],
        },
    )
    return list(results.response["violations"])


def assert_accessible(page: Page) -> None:
    """Fail listing every serious or critical axe-core violation on the page as it is now."""
    expect(page.locator("body")).to_be_visible()
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        pytest.fail(
            f"axe-core found {len(blocking)} serious/critical accessibility problem(s) on "
            f"{urlsplit(page.url).path} ({page.title()!r}):\n"
            + "\n".join(_describe(v) for v in blocking),
            pytrace=False,
        )


def assert_fits_narrow_screen(page: Page, width: int = NARROW_WIDTH) -> None:
    """At ``width`` CSS pixels the page reflows: the body never scrolls sideways (WCAG 1.4.10)."""
    original = page.viewport_size
    page.set_viewport_size({"width": width, "height": 720})
    try:
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        client_width = page.evaluate("document.documentElement.clientWidth")
        if scroll_width > client_width:
            wide = page.evaluate(
                """(limit) => [...document.querySelectorAll('body *')]
                    .filter(el => el.getBoundingClientRect().right > limit + 1)
                    .slice(0, 5)
                    .map(el => el.outerHTML.slice(0, 120))""",
                client_width,
            )
            pytest.fail(
                f"{urlsplit(page.url).path} scrolls sideways at {width}px: the page is "
                f"{scroll_width}px wide. Widest elements: {wide}",
                pytrace=False,
            )
        assert_accessible(page)
    finally:
        if original:
            page.set_viewport_size(original)


_FOCUS_STATE_JS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow !== 'none';
    return {
        html: el.outerHTML.slice(0, 120),
        visible: outline || shadow,
    };
}"""


def assert_focus_visible(page: Page) -> None:
    """Tab through the page: every element that takes keyboard focus shows that it has it."""
    page.locator("body").focus()
    page.evaluate("document.activeElement && document.activeElement.blur()")
    hidden: list[str] = []
    seen: list[str] = []
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        state = page.evaluate(_FOCUS_STATE_JS)
        if state is None or state["html"] in seen[:1]:
            break  # wrapped round to the start
        seen.append(state["html"])
        if not state["visible"]:
            hidden.append(state["html"])
    assert seen, f"Nothing on {urlsplit(page.url).path} can be reached with the Tab key"
    if hidden:
        pytest.fail(
            f"On {urlsplit(page.url).path} these elements take focus without showing it:\n"
            + "\n".join(hidden),
            pytrace=False,
        )


def check_page(page: Page, *, heading: str | re.Pattern[str]) -> None:
    """The page has this one main heading and passes the accessibility checks."""
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)


def assert_error_summary(page: Page, errors: dict[str, str | re.Pattern[str]]) -> None:
    """The form shows an error summary at the top; each entry links to its field.

    ``errors`` maps a field's label to (part of) its message. Following the link moves
    focus to that field, as the GOV.UK pattern requires.
    """
    summary = page.get_by_role("alert").filter(
        has=page.get_by_role("heading", name="There is a problem")
    )
    expect(summary).to_be_visible()
    for label, message in errors.items():
        link = summary.get_by_role("link", name=message)
        expect(link).to_be_visible()
        link.click()
        field = page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*$", re.I))
        expect(field).to_be_focused()
    assert_accessible(page)


# --- email -------------------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s<>\"']+")


def emails_to(address: str) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if address in message.to]


def link_in_email(address: str, path_contains: str) -> str:
    """The path of the link in the latest email to ``address`` whose URL contains the text.

    Only the path is kept: the email may name the public site, the test runs on the live
    server.
    """
    messages = emails_to(address)
    assert messages, f"No email was sent to {address}; outbox: {[m.to for m in mail.outbox]}"
    body = str(messages[-1].body)
    links = [url for url in _URL.findall(body) if path_contains in url]
    assert links, f"No link containing {path_contains!r} in the email to {address}:\n{body}"
    parts = urlsplit(links[0])
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --- accounts ------------------------------------------------------------------------------


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email", exact=False).first.fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name=re.compile(r"^Sign in$", re.I)).click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()


def names(items: Sequence[Any]) -> list[str]:
    return [str(item) for item in items]


# --- consent -----------------------------------------------------------------------------


def consent_answer(page: Page, partnership_pk: int, answers: dict[str, str]) -> None:
    """As an admin of one party, answer the Consent page's form, check and confirm.

    ``answers`` maps purposes to "Yes" or "No"; the other questions keep their answers,
    and a question never answered gets "No" (nothing is shared unless a party says yes,
    so this changes nothing the rules read).
    """
    from consent.notices import NOTICES

    page.goto(f"/partnerships/{partnership_pk}/consent/")
    for purpose, notice in NOTICES.items():
        question = page.get_by_role("group", name=notice.question)
        answer = answers.get(purpose)
        if answer is None and question.get_by_role("radio", checked=True).count():
            continue
        question.get_by_role("radio", name=answer or "No", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    page.get_by_role("button", name="Confirm and save").click()
    expect(page.get_by_role("status")).to_contain_text("are saved")
