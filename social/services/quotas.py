"""Per-app and per-account "blocked until" marks for the networks' rate limits and quotas.

A network that throttles us (``RateLimited(retry_after, scope)``) blocks either our whole app on
that network (``scope="app"``) or one account on it (``"account"``: the network's id for the
member, page or professional account). Marks live in the Django cache (Redis in production),
so every worker sees them; they are read before any call, and work for a blocked account waits
(the task is rescheduled to after the mark) instead of failing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.utils import timezone

from ..connectors.base import RateLimited

#: Marks outlive their moment by this much in the cache (they are compared, not just present).
SLACK_SECONDS = 60
#: A mark is never set for longer than this (a broken Retry-After must not block for months).
MAX_BLOCK_SECONDS = 7 * 24 * 3600


def app_key(network: str) -> str:
    return f"social:blocked:{network}:app"


def account_key(network: str, account_id: str) -> str:
    return f"social:blocked:{network}:account:{account_id}"


def _set_mark(key: str, until: datetime) -> None:
    current = cache.get(key)
    if current is not None and current >= until.timestamp():
        return  # never shorten a block
    seconds = max(1, int((until - timezone.now()).total_seconds()) + SLACK_SECONDS)
    cache.set(key, until.timestamp(), timeout=seconds)


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
    marks = [value for value in cache.get_many(keys).values() if value is not None]
    if not marks:
        return None
    until = datetime.fromtimestamp(max(marks), UTC)
    return until if until > timezone.now() else None


def unblock(network: str, account_id: str | None = None) -> None:
    """Lift the marks (the app's, and the account's when given)."""
    cache.delete(app_key(network))
    if account_id:
        cache.delete(account_key(network, account_id))
