"""Rate limits on the API's costly writes: DRF's scoped throttles, counted in the cache.

Each view names a ``throttle_scope``; its rate is ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``
(from ``LEARNHUB_THROTTLE_*`` settings). Counts are kept per person (per IP address when
signed out) in Django's cache, which is Redis whenever ``REDIS_URL`` is set, so every web
process shares them. Over the limit DRF answers 429 with ``Retry-After``.
"""

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

from learnhub.api import DetailSerializer

THROTTLED = OpenApiResponse(
    DetailSerializer, description="Too many requests: try again after Retry-After seconds."
)


class WriteRateThrottle(ScopedRateThrottle):
    """The view's scoped rate, counted on writes only: reading a list stays free."""

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)
