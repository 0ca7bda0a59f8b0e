"""Rate limits on the API's costly writes: DRF's scoped throttles, counted in the cache.

Each view names a ``throttle_scope``; its rate is ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``
(from ``LEARNHUB_THROTTLE_*`` settings). Counts are kept per person (per IP address when
signed out) in Django's cache, which is Redis whenever ``REDIS_URL`` is set, so every web
process shares them. Over the limit DRF answers 429 with ``Retry-After``.

A page that answers often (a check as people type) counts its own calls with
``per_minute_allows``, in the same cache.
"""

import logging
import time
from typing import Any

from django.core.cache import cache
from drf_spectacular.utils import OpenApiResponse
from redis.exceptions import RedisError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

from learnhub.api import DetailSerializer

THROTTLED = OpenApiResponse(
    DetailSerializer, description="Too many requests: try again after Retry-After seconds."
)


logger = logging.getLogger(__name__)


class WriteRateThrottle(ScopedRateThrottle):
    """The view's scoped rate, counted on writes only: reading a list stays free.

    A limit is a guard, not a reason to fail: while the cache cannot be reached the
    write is let through (and logged) instead of answering 500.
    """

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError):
            logger.warning("Rate limit not applied to %s: the cache is unreachable.", request.path)
            return True


def per_minute_allows(key: str, *, limit: int) -> tuple[bool, int]:
    """Count one call under ``key`` in this minute: whether it is within ``limit``, and
    the seconds until the next minute (for ``Retry-After``). While the cache cannot be
    reached every call is let through."""
    now = time.time()
    counter = f"per-minute:{key}:{int(now // 60)}"
    try:
        cache.add(counter, 0, timeout=60)
        count = cache.incr(counter)
    except ValueError:  # the cache lost the counter (or cannot be reached): let it through
        return True, 0
    return count <= limit, 60 - int(now % 60)
