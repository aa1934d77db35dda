"""Isolation-walker registry of the campaigns' routes (see advocacy/tests/isolation.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _campaign(t: Any) -> int:
    from content_library.tests.factories import ApprovedItemFactory

    from .factories import CampaignFactory, CampaignItemFactory

    campaign = CampaignFactory.create(organization=t.org)
    CampaignItemFactory.create(
        campaign=campaign, item=ApprovedItemFactory.create(organization=t.org)
    )
    return campaign.pk


def _reward(t: Any) -> int:
    from .factories import RewardFactory

    return RewardFactory.create(organization=t.org, cost=10, stock=5).pk


def _redemption(t: Any) -> int:
    from .factories import RedemptionFactory, RewardFactory

    reward = RewardFactory.create(organization=t.org, cost=10, stock=5)
    return RedemptionFactory.create(reward=reward, membership=t.members["employee"]).pk


def _raffle(tenant: Any) -> int:
    from .factories import RaffleFactory

    return RaffleFactory.create(organization=tenant.org).pk


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
    "reward_id": _reward,
    "redemption_id": _redemption,
    "raffle_id": _raffle,
    "company_page_id": _company_page,
    "amplification_id": _amplification,
    "instagram_account_id": _instagram_account,
}
