"""Isolation-walker registry for the campaigns app's routes (see advocacy/tests/isolation.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _company_page(tenant: Any) -> int:
    from .factories import OrganizationAccountFactory

    return OrganizationAccountFactory.create(organization=tenant.org).pk


def _amplification(tenant: Any) -> int:
    from .factories import AmplificationFactory

    return AmplificationFactory.create(
        share__membership=tenant.members["employee"],
        account__organization=tenant.org,
        organization=tenant.org,
    ).pk


KWARG_FACTORIES: dict[str, Callable[[Any], Any]] = {
    "company_page_id": _company_page,
    "amplification_id": _amplification,
}
