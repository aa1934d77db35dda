"""Isolation-walker registry for the campaigns app's routes (see advocacy/tests/isolation.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _campaign(tenant: Any) -> int:
    from .factories import CampaignFactory

    return CampaignFactory.create(organization=tenant.org, hashtags=["Spring"]).pk


def _instagram_account(tenant: Any) -> int:
    from social.models import OrganizationAccount, OrganizationAccountKind

    account = OrganizationAccount(
        organization=tenant.org,
        network="instagram",
        kind=OrganizationAccountKind.INSTAGRAM_BUSINESS,
        external_id="17841400000000012",  # the same id in both tenants, on purpose
        display_name="acme",
    )
    account.set_token(access_token="token-of-" + tenant.org.slug, expires_at=None)
    account.save()
    return account.pk


KWARG_FACTORIES: dict[str, Callable[[Any], Any]] = {
    "campaign_id": _campaign,
    "instagram_account_id": _instagram_account,
}
