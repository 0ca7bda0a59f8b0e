"""allauth's rate limits, answered as the API contract asks: 429 with ``Retry-After``.

allauth keeps each limit in the cache as a list of hit times (newest first) under a key
per action and source (IP address, person or email address). How long until the next try
is allowed is read from those lists, never guessed.
"""

import math
import time
from collections.abc import Callable
from typing import Any

from allauth.core.internal.ratelimit import get_cache_key, get_rates
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

APP = "allauth.account"

# allauth's URL names whose whole view is rate limited, and the limit each one uses.
LIMITED_VIEWS = {
    "login": "login",
    "account_login": "login",
    "account_signup": "signup",
    "headless-app-signup": "signup",
    "headless-browser-signup": "signup",
}


def seconds_until_allowed(request: HttpRequest, *, action: str, key: str | None = None) -> int:
    """Whole seconds until ``action`` is allowed again from this request's source (at least 1)."""
    now = time.time()
    wait = 0.0
    for rate in get_rates(app=APP, action=action):
        if (rate.per == "key" and key is None) or (
            rate.per == "user" and not request.user.is_authenticated
        ):
            continue
        history = cache.get(get_cache_key(request, app=APP, action=action, rate=rate, key=key), [])
        if len(history) >= rate.amount:
            # The hit that must expire before one more fits in the window.
            wait = max(wait, history[rate.amount - 1] + rate.duration - now)
    return max(1, math.ceil(wait))


def is_headless(request: HttpRequest) -> bool:
    """allauth's own test for "this request came through the headless API"."""
    return hasattr(getattr(request, "allauth", None), "headless")


class RetryAfterMiddleware:
    """Adds ``Retry-After`` to allauth's 429 answers (it sends none) for its limited views."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 429 and not response.has_header("Retry-After"):
            match: Any = getattr(request, "resolver_match", None)
            action = LIMITED_VIEWS.get(getattr(match, "url_name", "") or "")
            if action:
                response["Retry-After"] = str(seconds_until_allowed(request, action=action))
        return response
