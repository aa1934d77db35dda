"""What the raffle tests share: a live campaign with members who shared its content."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from advocacy.models import Membership
from campaigns.models import Campaign, Raffle
from campaigns.services import raffles as services
from social.models import ShareState
from social.tests.factories import ShareFactory
from tests.factories import MembershipFactory, UserFactory

from .factories import CampaignFactory


def published_shares(membership: Membership, campaign: Campaign | None, n: int, **kw: Any) -> None:
    for _ in range(n):
        ShareFactory.create(
            membership=membership,
            campaign=campaign,
            state=ShareState.PUBLISHED,
            published_at=kw.get("published_at") or timezone.now() - timedelta(hours=1),
        )


def members(tenant: Any, n: int) -> list[Membership]:
    return [
        MembershipFactory.create(
            organization=tenant.org, user=UserFactory.create(), external_id=f"R-{i}"
        )
        for i in range(n)
    ]


def campaign_raffle(tenant: Any, **kw: Any) -> Raffle:
    """An open raffle on a live campaign of ``tenant``, created by its manager."""
    campaign = kw.pop("campaign", None) or CampaignFactory.create(organization=tenant.org)
    return services.raffle_create(
        actor=tenant.members["manager"],
        campaign=campaign,
        title=kw.pop("title", "Lunch with the CEO"),
        prize=kw.pop("prize", "Lunch for two"),
        closes_at=kw.pop("closes_at", timezone.now() + timedelta(days=3)),
        **kw,
    )
