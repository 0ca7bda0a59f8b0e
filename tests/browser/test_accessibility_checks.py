"""The accessibility checks the journeys rely on do fail on pages that break the rules.

Without this, a misconfigured axe run (wrong tags, nothing injected) would pass every page.
"""

import pytest
from _pytest.outcomes import Failed
from playwright.sync_api import Page

from tests.browser.helpers import (
    assert_accessible,
    assert_fits_narrow_screen,
    assert_focus_visible,
)

pytestmark = pytest.mark.browser

HEAD = '<!doctype html><html lang="en"><head><title>Check</title>{style}</head>'


def _page(page: Page, body: str, style: str = "") -> None:
    page.set_content(
        HEAD.format(style=style) + f"<body><main><h1>Check</h1>{body}</main></body></html>"
    )


def test_an_unlabelled_field_and_low_contrast_text_are_reported(page: Page) -> None:
    _page(page, '<input type="text" name="q"><p style="color:#ccc;background:#fff">Faint</p>')

    with pytest.raises(Failed) as failure:
        assert_accessible(page)

    assert "label (critical)" in str(failure.value)
    assert "color-contrast (serious)" in str(failure.value)


def test_a_labelled_field_with_readable_text_passes(page: Page) -> None:
    _page(page, '<label for="q">Search</label><input id="q" type="text"><p>Readable</p>')

    assert_accessible(page)


def test_focus_that_cannot_be_seen_is_reported(page: Page) -> None:
    _page(page, '<a href="#here">A link</a>', style="<style>a:focus{outline:none}</style>")

    with pytest.raises(Failed) as failure:
        assert_focus_visible(page)

    assert '<a href="#here">A link</a>' in str(failure.value)


def test_content_wider_than_a_phone_is_reported(page: Page) -> None:
    _page(page, '<div style="width:600px">Too wide</div>')

    with pytest.raises(Failed) as failure:
        assert_fits_narrow_screen(page)

    assert "scrolls sideways at 320px" in str(failure.value)
