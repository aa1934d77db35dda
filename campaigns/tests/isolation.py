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


KWARG_FACTORIES: dict[str, Callable[[Any], Any]] = {
    "campaign_id": _campaign,
}
