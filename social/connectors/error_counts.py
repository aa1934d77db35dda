"""Connector errors counted per network, for the admins' network-health page.

Every typed error a connector raises is counted per network, error class and UTC hour in the
cache, and the latest one is remembered (its class, code, HTTP status and time, never its
message, which may quote another organization's post). The keys carry no organization on
purpose: they describe Chorus's connection to a network, which every organization shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from advocacy.soft_cache import soft_cache as cache

from .base import ConnectorError

#: Hour buckets outlive the 24 hours they are read for.
ERROR_COUNT_TTL = 26 * 3600
LAST_ERROR_TTL = 7 * 24 * 3600

ERROR_CLASSES = (
    "Transient",
    "RateLimited",
    "QuotaExceeded",
    "ReauthRequired",
    "PermissionMissing",
    "Rejected",
    "Duplicate",
    "UnknownOutcome",
)


def _count_key(network: str, error_class: str, hour: str) -> str:
    return f"social:errors:{network}:{error_class}:{hour}"


def _last_key(network: str) -> str:
    return f"social:errors:{network}:last"


def _hour(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%d%H")


def error_count_record(network: str, error: ConnectorError, *, now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    key = _count_key(network, type(error).__name__, _hour(now))
    try:
        if not cache.add(key, 1, timeout=ERROR_COUNT_TTL):
            cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=ERROR_COUNT_TTL)
    cache.set(
        _last_key(network),
        {
            "class": type(error).__name__,
            "code": str(error.code or "")[:64],
            "status": error.status,
            "at": now.isoformat(),
        },
        timeout=LAST_ERROR_TTL,
    )


def error_counts(network: str, *, hours: int = 24, now: datetime | None = None) -> dict[str, int]:
    """Errors of ``network`` by class over the last ``hours`` hours (this hour included)."""
    now = now or datetime.now(UTC)
    buckets = [_hour(now - timedelta(hours=n)) for n in range(hours)]
    keys = {_count_key(network, name, hour): name for name in ERROR_CLASSES for hour in buckets}
    totals: dict[str, int] = {}
    for key, value in cache.get_many(list(keys)).items():
        totals[keys[key]] = totals.get(keys[key], 0) + int(value)
    return totals


@dataclass(frozen=True)
class LastError:
    error_class: str
    code: str
    status: int | None
    at: datetime


def last_error(network: str) -> LastError | None:
    """The latest error of ``network`` (within a week), if any."""
    value = cache.get(_last_key(network))
    if not isinstance(value, dict):
        return None
    try:
        at = datetime.fromisoformat(str(value["at"]))
    except (KeyError, ValueError):
        return None
    return LastError(
        error_class=str(value.get("class", "")),
        code=str(value.get("code", "")),
        status=value.get("status"),
        at=at,
    )
