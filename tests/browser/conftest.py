"""Real-browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

No browser is ever downloaded (never run ``playwright install``): Playwright launches the
Chromium at ``LEARNHUB_CHROMIUM`` (default ``/usr/bin/chromium``). tests/conftest.py skips
tests marked ``browser`` when that binary is missing, or fails them under CI.
"""

import os
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import CHROMIUM

# Playwright's sync API runs an event loop in the test thread, so Django would refuse ORM
# calls made by the test itself (fixtures, assertions). The live server runs in its own
# thread and is unaffected.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# How long one browser action or expectation may wait (the machine has two shared cores).
ACTION_TIMEOUT_MS = 15_000
expect.set_options(timeout=ACTION_TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch options (--headed, --slowmo) plus Debian's Chromium."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(live_server: Any) -> str:
    """Relative ``page.goto("/accounts/login/")`` calls go to the live server."""
    return str(live_server.url)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/London"}


@pytest.fixture
def page(page: Page, live_server: Any) -> Page:
    """A fresh browser tab on the live server (its database is emptied after each test)."""
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    return page
