"""Isolation-walker registry of the notifications routes (see advocacy/tests/isolation.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _notification(t: Any) -> int:
    from .factories import NotificationFactory

    # The walker acts as the admin: their own notification, so only the tenant decides.
    return NotificationFactory.create(membership=t.members["admin"]).pk


KWARG_FACTORIES: dict[str, Callable[[Any], Any]] = {
    "notification_id": _notification,
}
