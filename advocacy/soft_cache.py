"""The Django cache as request paths use it: a cache that fails is a miss, never a 500.

The cache (Redis in production) only ever speeds a request up: every value in it can be read
again from the database or recomputed. So on a request path (the tracked-link redirect, the
caption checker's rules, the network-health page, quota marks read on pages) a failing cache
must not fail the request. ``soft_cache`` wraps ``django.core.cache.caches["default"]``: when
the cache raises (Redis down, refused, timed out), a read answers as a miss, a write is skipped,
and a warning is logged (at most once per ``WARN_EVERY_SECONDS`` per operation and process, so
an outage does not flood the log). Code that must know the cache worked (the health check,
Celery's broker) uses the cache itself.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from typing import Any

import redis
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT

log = logging.getLogger(__name__)

#: Errors a cache backend raises when its server is away (Redis, and sockets of any backend).
CACHE_ERRORS: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
WARN_EVERY_SECONDS = 30.0

_warned_at: dict[str, float] = {}
_warned_lock = threading.Lock()


def _warn(operation: str, error: BaseException) -> None:
    now = time.monotonic()
    with _warned_lock:
        if now - _warned_at.get(operation, -WARN_EVERY_SECONDS) < WARN_EVERY_SECONDS:
            return
        _warned_at[operation] = now
    log.warning("cache unavailable (%s): %s; going on without it", operation, error)


class SoftCache:
    """The default cache with its errors turned into misses (see the module docstring)."""

    def __init__(self, alias: str = "default") -> None:
        self.alias = alias

    @property
    def backend(self) -> Any:
        return caches[self.alias]

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self.backend.get(key, default)
        except CACHE_ERRORS as error:
            _warn("get", error)
            return default

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        try:
            return self.backend.get_many(list(keys))
        except CACHE_ERRORS as error:
            _warn("get_many", error)
            return {}

    def set(self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT) -> bool:
        try:
            self.backend.set(key, value, timeout)
        except CACHE_ERRORS as error:
            _warn("set", error)
            return False
        return True

    def add(self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT) -> bool:
        """``True`` when stored; ``False`` when the key exists or the cache is away."""
        try:
            return bool(self.backend.add(key, value, timeout))
        except CACHE_ERRORS as error:
            _warn("add", error)
            return False

    def incr(self, key: str, delta: int = 1) -> int | None:
        """The new value; ``None`` when the cache is away. ``ValueError`` when the key is missing."""
        try:
            return int(self.backend.incr(key, delta))
        except CACHE_ERRORS as error:
            _warn("incr", error)
            return None

    def delete(self, key: str) -> bool:
        try:
            return bool(self.backend.delete(key))
        except CACHE_ERRORS as error:
            _warn("delete", error)
            return False


soft_cache = SoftCache()
