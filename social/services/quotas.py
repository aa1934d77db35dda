"""Per-app and per-account "blocked until" marks for the networks' rate limits and quotas.

A network that throttles us (``RateLimited(retry_after, scope)``) blocks either our whole app on
that network (``scope="app"``) or one account on it (``"account"``: the network's id for the
member, page or professional account). Marks live in the Django cache (Redis in production),
so every worker sees them; they are read before any call, and work for a blocked account waits
(the task is rescheduled to after the mark) instead of failing. The keys carry no organization,
on purpose: a network throttles our app, or one account on it, whoever the work is for.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone
from redis.client import Pipeline

from advocacy.soft_cache import soft_cache

from ..connectors.base import RateLimited

#: Marks outlive their moment by this much in the cache (they are compared, not just present).
SLACK_SECONDS = 60
_local_lock = threading.Lock()
#: A mark is never set for longer than this (a broken Retry-After must not block for months).
MAX_BLOCK_SECONDS = 7 * 24 * 3600


def app_key(network: str) -> str:
    return f"social:blocked:{network}:app"


def account_key(network: str, account_id: str) -> str:
    return f"social:blocked:{network}:account:{account_id}"


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _us(moment: datetime) -> int:
    """The moment in whole microseconds since the epoch (exact, stored as an int)."""
    return (moment - _EPOCH) // _MICROSECOND


def _as_us(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None  # missing, or written by an older version: treated as no mark


def _set_mark(key: str, until: datetime) -> None:
    """Raise the mark at ``key`` to ``until``, never lower it, atomically across workers.

    On Redis: an optimistic transaction (``WATCH`` the key, compare, ``SET … PX`` in
    ``MULTI``/``EXEC``; redis-py retries when another worker changed the key meanwhile), so
    two workers marking at once keep the later end. Other caches (development) are
    per-process, where a lock does the same.
    """
    until_us = _us(until)
    ttl_ms = max(1000, (until_us - _us(timezone.now())) // 1000 + SLACK_SECONDS * 1000)
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        full_key = backend.make_and_validate_key(key)
        client = backend._cache.get_client(full_key, write=True)

        def raise_mark(pipe: Pipeline) -> None:
            current = _as_us(pipe.get(full_key))
            if current is not None and current >= until_us:
                return  # never shorten a block
            pipe.multi()
            # An int is stored as is by Django's Redis serializer, so cache.get reads it back.
            pipe.set(full_key, until_us, px=ttl_ms)

        client.transaction(raise_mark, full_key)
        return
    with _local_lock:
        current = _as_us(backend.get(key))
        if current is None or current < until_us:
            backend.set(key, until_us, timeout=ttl_ms / 1000)


def block(
    network: str, *, seconds: float, scope: str = "app", account_id: str | None = None
) -> datetime:
    """Block ``network`` for our app, or one account on it, for ``seconds``; returns the end."""
    seconds = min(max(float(seconds), 1.0), MAX_BLOCK_SECONDS)
    until = timezone.now() + timedelta(seconds=seconds)
    if scope == "account" and account_id:
        _set_mark(account_key(network, account_id), until)
    else:
        _set_mark(app_key(network), until)
    return until


def block_from_error(network: str, account_id: str | None, error: RateLimited) -> datetime:
    """Record what a ``RateLimited`` error says (its wait and whether it is the app's or the account's)."""
    return block(network, seconds=error.retry_after, scope=error.scope, account_id=account_id)


def blocked_until(network: str, account_id: str | None = None) -> datetime | None:
    """When work for ``account_id`` on ``network`` may go on, if it is blocked now; else ``None``."""
    keys = [app_key(network)] + ([account_key(network, account_id)] if account_id else [])
    values = [_as_us(value) for value in soft_cache.get_many(keys).values()]
    marks = [mark for mark in values if mark is not None]
    if not marks:
        return None
    until = _EPOCH + max(marks) * _MICROSECOND
    return until if until > timezone.now() else None


def unblock(network: str, account_id: str | None = None) -> None:
    """Lift the marks (the app's, and the account's when given)."""
    soft_cache.delete(app_key(network))
    if account_id:
        soft_cache.delete(account_key(network, account_id))
