"""Quiet hours in the member's time zone: a message due inside them waits until they end."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def quiet_until(
    now: datetime, *, tz: ZoneInfo, start: time | None, end: time | None
) -> datetime | None:
    """When the quiet hours around ``now`` end, or ``None`` when ``now`` is outside them.
    ``start`` after ``end`` spans midnight (22:00-07:00)."""
    if start is None or end is None or start == end:
        return None
    local = now.astimezone(tz)
    t = local.time().replace(tzinfo=None)
    day = local.date()
    if start < end:
        if not (start <= t < end):
            return None
        until_day = day
    else:
        if t >= start:
            until_day = day + timedelta(days=1)
        elif t < end:
            until_day = day
        else:
            return None
    return datetime.combine(until_day, end, tzinfo=tz)
