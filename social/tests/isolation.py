"""Isolation-walker registry for the social app's routes (see advocacy/tests/isolation.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _share(tenant: Any) -> int:
    from .factories import ShareFactory

    return ShareFactory.create(membership=tenant.members["employee"]).pk


def _account(tenant: Any) -> int:
    from .factories import NetworkAccountFactory

    return NetworkAccountFactory.create(user=tenant.members["employee"].user).pk


KWARG_FACTORIES: dict[str, Callable[[Any], Any]] = {
    "share_id": _share,
    "account_id": _account,
}
