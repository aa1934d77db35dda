"""What the organization's home page shows of campaigns and recognition.

The employee's home: their points, their rank on the boards that matter to them (everyone
and their department, this month), the live campaigns for them with their progress, and what
is new to share. The manager's home: the organization's live campaigns and their progress.
Each part is a bounded number of queries whatever the organization's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from advocacy.models import Membership
from advocacy.permissions import Capability, has_capability

from ..models import Campaign, CampaignStatus
from .boards import KIND_DEPARTMENT, KIND_OVERALL, board_read, board_resolve, sees_boards
from .campaigns import campaign_progress_many, campaigns_for_member
from .points import points_summary

LIVE_CAMPAIGNS_SHOWN = 4
NEW_ITEMS_SHOWN = 3


@dataclass
class HomeRank:
    label: str
    rank: int | None
    participants: int
    url_query: str


@dataclass
class HomeRecognition:
    points: Any = None
    ranks: list[HomeRank] = field(default_factory=list)
    campaigns: list[dict[str, Any]] = field(default_factory=list)
    new_items: list[Any] = field(default_factory=list)


def _ranks(membership: Membership) -> list[HomeRank]:
    from django.utils.translation import gettext as _

    wanted: list[tuple[str, dict[str, str]]] = [
        (_("Everyone, this month"), {"board": KIND_OVERALL, "period": "month"}),
    ]
    if membership.department_id:
        wanted.append(
            (
                _("Your department, this month"),
                {"board": KIND_DEPARTMENT, "period": "month"},
            )
        )
    public = sees_boards(membership)
    ranks = []
    for label, params in wanted:
        try:
            board = board_resolve(membership.organization, params, membership=membership)
        except ValidationError:
            continue
        result = board_read(board, viewer=membership, top_n=0, around=0, public=public)
        query = "&".join(f"{k}={v}" for k, v in params.items())
        ranks.append(
            HomeRank(
                label=label,
                rank=result.me.rank if result.me else None,
                participants=result.participants,
                url_query=query,
            )
        )
    return ranks


def _live_campaigns(campaigns: list[Campaign]) -> list[dict[str, Any]]:
    progress = campaign_progress_many(campaigns=campaigns)
    return [{"campaign": c, "progress": progress.get(c.pk)} for c in campaigns]


def home_recognition(membership: Membership) -> HomeRecognition:
    """The employee's home: points, ranks, live campaigns for them, new content to share."""
    from content_library.selectors.feed import feed_page

    live = list(
        campaigns_for_member(membership=membership)
        .filter(status=CampaignStatus.LIVE)
        .order_by("ends_at", "pk")[:LIVE_CAMPAIGNS_SHOWN]
    )
    new_items: list[Any] = []
    if has_capability(membership, Capability.VIEW_FEED):
        new_items = feed_page(membership=membership, page_size=NEW_ITEMS_SHOWN).items
    return HomeRecognition(
        points=points_summary(membership=membership),
        ranks=_ranks(membership),
        campaigns=_live_campaigns(live),
        new_items=new_items,
    )


def home_live_campaigns(membership: Membership) -> list[dict[str, Any]]:
    """The manager's home: the organization's live campaigns and their progress."""
    live = list(
        Campaign.objects.filter(
            organization_id=membership.organization_id, status=CampaignStatus.LIVE
        ).order_by("ends_at", "pk")[: LIVE_CAMPAIGNS_SHOWN * 2]
    )
    return _live_campaigns(live)
