"""Demo campaigns: per organization a live campaign (#ToBeAPartner) and an ended one, each
with the approved items the demo's members shared most, and those shares attached to them
(``Share.campaign`` and ``utm_campaign`` on their tracked links) so the pages have figures.

Idempotent: campaigns are found by their slug; shares already attached are left alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.utils import timezone

from content_library.models import ContentItem, Status
from social.models import Share, ShareState, TrackedLink
from social.services.links import utm_url

from ..models import Campaign, CampaignItem, CampaignStatus, GoalMetric
from ..services.campaigns import campaign_create, campaign_launch

if TYPE_CHECKING:
    from advocacy.demo import DemoMembers
    from advocacy.models import Organization

LIVE_SLUG = "to-be-a-partner"
ENDED_SLUG = "winter-stories"

_TEXTS: dict[str, dict[str, dict[str, str]]] = {
    "en": {
        "live": {
            "name": "To be a partner",
            "description": (
                "**Show what partnership means to us.** Share the stories below with your "
                "network and add #ToBeAPartner.\n\n"
                "- Pick the story that fits you best\n- Say in one line why it matters to you"
            ),
            "prize": "The three most active colleagues join the partner summit dinner.",
        },
        "ended": {
            "name": "Winter stories",
            "description": "Our winter news, shared by the people who made it.",
            "prize": "A team breakfast for the department with most shares.",
        },
    },
    "lt": {
        "live": {
            "name": "Būti partneriu",
            "description": (
                "**Parodykite, ką mums reiškia partnerystė.** Pasidalykite šiomis "
                "istorijomis ir pridėkite #ToBeAPartner.\n\n"
                "- Pasirinkite jums artimiausią istoriją\n- Viena eilute parašykite, kodėl ji "
                "jums svarbi"
            ),
            "prize": "Trys aktyviausi kolegos dalyvaus partnerių susitikimo vakarienėje.",
        },
        "ended": {
            "name": "Žiemos istorijos",
            "description": "Mūsų žiemos naujienos, kuriomis dalijosi jas sukūrę žmonės.",
            "prize": "Pusryčiai skyriui, kuris pasidalijo daugiausiai.",
        },
    },
}


def _popular_items(organization: Organization) -> list[ContentItem]:
    """Approved items with a URL, the most shared first."""
    return list(
        ContentItem.objects.for_org(organization)
        .filter(status=Status.APPROVED)
        .exclude(url="")
        .annotate(n=Count("shares", filter=Q(shares__state=ShareState.PUBLISHED)))
        .order_by("-n", "pk")[:6]
    )


def _attach_shares(campaign: Campaign, start: datetime, end: datetime) -> int:
    """The demo's published shares of the campaign's items made while it ran belong to it."""
    item_ids = CampaignItem.objects.filter(campaign=campaign).values_list("item_id", flat=True)
    shares = list(
        Share.objects.for_org(campaign.organization)
        .filter(
            item_id__in=list(item_ids),
            campaign__isnull=True,
            published_at__gte=start,
            published_at__lt=end,
        )
        .select_related("item")
    )
    for share in shares:
        share.campaign = campaign
        share.utm_campaign = campaign.slug
    Share.objects.bulk_update(shares, ["campaign", "utm_campaign"])
    links = list(TrackedLink.objects.filter(share__in=shares).select_related("share__item"))
    for link in links:
        assert link.share is not None
        link.target_url = utm_url(
            link.share.item.url,
            network=link.share.network,
            campaign=campaign.slug,
            content=f"item-{link.share.item_id}",
        )
    TrackedLink.objects.bulk_update(links, ["target_url"])
    return len(shares)


def _ensure(
    *,
    organization: Organization,
    manager: Any,
    slug: str,
    texts: dict[str, str],
    hashtags: list[str],
    items: list[ContentItem],
    starts_at: datetime,
    ends_at: datetime,
    goal_metric: str,
    goal_target: int,
) -> Campaign:
    campaign = Campaign.objects.for_org(organization).filter(slug=slug).first()
    if campaign is not None:
        return campaign
    campaign = campaign_create(
        actor=manager,
        name=texts["name"],
        description=texts["description"],
        prize=texts["prize"],
        hashtags=hashtags,
        items=items,
        starts_at=starts_at,
        ends_at=ends_at,
        goal_metric=goal_metric,
        goal_target=goal_target,
        points_multiplier=2 if slug == LIVE_SLUG else 1,
    )
    # The demo's own slugs, whatever the name's language.
    Campaign.objects.filter(pk=campaign.pk).update(slug=slug)
    campaign.slug = slug
    return campaign


def seed(*, organization: Organization, members: DemoMembers) -> None:
    items = _popular_items(organization)
    if len(items) < 2:
        return
    manager = members.manager
    texts = _TEXTS.get(organization.default_language, _TEXTS["en"])
    now = timezone.now()
    live = _ensure(
        organization=organization,
        manager=manager,
        slug=LIVE_SLUG,
        texts=texts["live"],
        hashtags=["ToBeAPartner"],
        items=items[:3],
        starts_at=now - timedelta(days=10),
        ends_at=now + timedelta(days=18),
        goal_metric=GoalMetric.SHARES,
        goal_target=40,
    )
    if live.status == CampaignStatus.DRAFT:
        campaign_launch(actor=manager, campaign=live, now=now)
    _attach_shares(live, live.starts_at, now)
    ended = _ensure(
        organization=organization,
        manager=manager,
        slug=ENDED_SLUG,
        texts=texts["ended"],
        hashtags=["WinterStories"],
        items=items[3:6] or items[:1],
        starts_at=now - timedelta(days=30),
        ends_at=now - timedelta(days=11),
        goal_metric=GoalMetric.CLICKS,
        goal_target=150,
    )
    if ended.status == CampaignStatus.DRAFT:
        Campaign.objects.filter(pk=ended.pk).update(
            status=CampaignStatus.ENDED,
            launched_at=ended.starts_at,
            went_live_at=ended.starts_at,
            ended_at=ended.ends_at,
        )
    _attach_shares(ended, ended.starts_at, ended.ends_at)
