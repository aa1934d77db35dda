"""Isolation-walker registry for the campaigns app's routes (see advocacy/tests/isolation.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _raffle(tenant: Any) -> int:
    from .factories import RaffleFactory

    return RaffleFactory.create(organization=tenant.org).pk


KWARG_FACTORIES: dict[str, Callable[[Any], Any]] = {
    "raffle_id": _raffle,
}
