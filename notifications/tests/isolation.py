"""Isolation-walker registry of the notifications routes (see advocacy/tests/isolation.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _notification(t: Any) -> int:
    from .factories import NotificationFactory

    # The walker acts as the admin: their own notification, so only the tenant decides.
    return NotificationFactory.create(membership=t.members["admin"]).pk


def _channel(t: Any) -> int:
    from .factories import ChatChannelFactory

    return ChatChannelFactory.create(organization=t.org).pk


KWARG_FACTORIES: dict[str, Callable[[Any], Any]] = {
    "notification_id": _notification,
    "channel_id": _channel,
}
