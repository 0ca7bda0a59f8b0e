"""Django's Redis cache, made to carry on when Redis does not answer.

The cache holds nothing that is not also somewhere else (allauth's rate-limit counters,
throttle counters, used TOTP codes for their thirty seconds), so a Redis outage must not
stop people signing in: every operation that fails is logged and answered as a miss
(``get`` gives the default, ``add`` stores "nothing was there", writes are dropped).
While Redis is failing the cache does not ask it again for a few seconds, so a page that
touches the cache many times pays the socket timeout once, not each time. During an
outage the rate limits do not count and a TOTP code can be used twice within its
thirty seconds: the price of letting people in at all.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Seconds the cache stops asking a Redis that failed.
PAUSE_AFTER_FAILURE = 5.0


class ResilientRedisCache(RedisCache):
    """``RedisCache`` whose failures are logged misses (see the module's docstring)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._lock = threading.Lock()
        self._paused_until = 0.0

    def _safely(self, operation: str, call: Callable[[], T], miss: T) -> T:
        if time.monotonic() < self._paused_until:
            return miss
        try:
            return call()
        except RedisError as error:
            with self._lock:
                first = time.monotonic() >= self._paused_until
                self._paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
            if first:
                logger.warning(
                    "Cache: Redis failed on %s (%s); carrying on without the cache for %g s.",
                    operation,
                    error,
                    PAUSE_AFTER_FAILURE,
                )
            return miss

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return self._safely(
            "add", lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), True
        )

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._safely(
            "get", lambda: super(ResilientRedisCache, self).get(key, default, version), default
        )

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._safely(
            "set", lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._safely(
            "touch", lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False
        )

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._safely(
            "delete", lambda: super(ResilientRedisCache, self).delete(key, version), False
        )

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return self._safely(
            "get_many", lambda: super(ResilientRedisCache, self).get_many(keys, version), {}
        )

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._safely(
            "has_key", lambda: super(ResilientRedisCache, self).has_key(key, version), False
        )

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        result = self._safely(
            "incr", lambda: super(ResilientRedisCache, self).incr(key, delta, version), None
        )
        if result is None:
            raise ValueError(f"Key '{key}' not found.")  # a miss, as Django reports one
        return result

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list[Any]:
        return self._safely(
            "set_many",
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            list(data),
        )

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._safely(
            "delete_many", lambda: super(ResilientRedisCache, self).delete_many(keys, version), None
        )

    def clear(self) -> None:
        self._safely("clear", lambda: super(ResilientRedisCache, self).clear(), None)
