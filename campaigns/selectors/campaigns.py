"""Reads of campaigns: who sees which, the live campaign of an item, and a campaign's
progress, results, participants, top posts and trend.

Every figure comes from the campaign's shares (``Share.campaign``), in a fixed number of
queries whatever the number of shares:

* shares — published shares of the campaign;
* human clicks — clicks by people (bots never count) on the tracked links of its shares;
* impressions, members reached (``Share.reach``), engagement (reactions + comments +
  reshares + saves) — the latest figures the networks reported for its published shares.
  A network that reports nothing leaves the figure unknown, never 0: each result says how
  many shares have no figure;
* participants — distinct members with a published share of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from advocacy.models import Membership, Organization
from advocacy.permissions import Capability, has_capability
from content_library.models import ContentItem
from social.models import ClickEvent, Share, ShareState

from ..models import (
    Campaign,
    CampaignAudience,
    CampaignAudienceDimension,
    CampaignItem,
    CampaignStatus,
    GoalMetric,
)

#: What members see of campaigns (drafts and archived ones are the managers').
MEMBER_STATUSES = (CampaignStatus.SCHEDULED, CampaignStatus.LIVE, CampaignStatus.ENDED)
MAX_TREND_DAYS = 400


def organization_zone(organization: Organization) -> ZoneInfo:
    try:
        return ZoneInfo(organization.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


# --- Audience and visibility ---------------------------------------------------------------


def audience_match(membership: Membership) -> Q:
    """Campaigns whose audience includes ``membership``: per dimension the campaign uses, the
    member matches one of its values (departments, locations, roles; dimensions combine
    with AND), the rule content targeting follows."""
    rows = CampaignAudience.objects.filter(campaign_id=OuterRef("pk"))
    q: Any = Q()
    for dim, value, lookup in (
        (
            CampaignAudienceDimension.DEPARTMENT,
            str(membership.department_id or ""),
            "value",
        ),
        (CampaignAudienceDimension.LOCATION, (membership.location or "").strip(), "value__iexact"),
        (CampaignAudienceDimension.ROLE, membership.role, "value"),
    ):
        uses = Exists(rows.filter(dimension=dim))
        if value:
            q &= ~uses | Exists(rows.filter(dimension=dim, **{lookup: value}))
        else:
            q &= ~uses
    return q


def campaign_audience_members(*, campaign: Campaign) -> QuerySet[Membership]:
    """The active members a campaign is for: the reverse of ``audience_match`` (per dimension
    the campaign uses, one of its values; no rows: everyone)."""
    members = Membership.objects.filter(organization_id=campaign.organization_id, is_active=True)
    values: dict[str, list[str]] = {}
    for dimension, value in CampaignAudience.objects.filter(campaign=campaign).values_list(
        "dimension", "value"
    ):
        values.setdefault(dimension, []).append(value)
    if CampaignAudienceDimension.DEPARTMENT in values:
        ids = [int(v) for v in values[CampaignAudienceDimension.DEPARTMENT] if v.isdigit()]
        members = members.filter(department_id__in=ids)
    if CampaignAudienceDimension.LOCATION in values:
        places = Q()
        for place in values[CampaignAudienceDimension.LOCATION]:
            places |= Q(location__iexact=place.strip())
        members = members.filter(places)
    if CampaignAudienceDimension.ROLE in values:
        members = members.filter(role__in=values[CampaignAudienceDimension.ROLE])
    return members


def campaigns_for_member(*, membership: Membership) -> QuerySet[Campaign]:
    """The campaigns a member may open: every one for campaign managers; for the others the
    scheduled, live and ended campaigns whose audience includes them."""
    qs = Campaign.objects.for_org(membership.organization)
    if has_capability(membership, Capability.MANAGE_CAMPAIGNS):
        return qs
    return qs.filter(status__in=MEMBER_STATUSES).filter(audience_match(membership))


def campaign_list(*, membership: Membership, status: str = "", limit: int = 200) -> list[Campaign]:
    """The campaigns list: for members their live and upcoming campaigns (then the recently
    ended ones); for managers every campaign, or those of ``status``."""
    qs = campaigns_for_member(membership=membership)
    if has_capability(membership, Capability.MANAGE_CAMPAIGNS):
        qs = qs.filter(status=status) if status else qs.exclude(status=CampaignStatus.ARCHIVED)
    else:
        qs = qs.filter(status__in=[CampaignStatus.LIVE, CampaignStatus.SCHEDULED])
    return list(
        qs.annotate(item_count=Count("campaign_items", distinct=True)).order_by(
            "-starts_at", "-id"
        )[:limit]
    )


def live_campaigns_of_items(
    *, membership: Membership, item_ids: Iterable[int], now: datetime | None = None
) -> dict[int, Campaign]:
    """Item id → the live campaign (for ``membership``) it belongs to, in one query; an item
    in several live campaigns gets the one that started first."""
    ids = list(item_ids)
    if not ids:
        return {}
    now = now or timezone.now()
    links = (
        CampaignItem.objects.filter(
            organization_id=membership.organization_id,
            item_id__in=ids,
            campaign__status=CampaignStatus.LIVE,
            campaign__starts_at__lte=now,
            campaign__ends_at__gt=now,
        )
        .filter(
            campaign__in=Campaign.objects.filter(organization_id=membership.organization_id).filter(
                audience_match(membership)
            )
        )
        .select_related("campaign")
        .only(
            "item_id",
            "campaign__id",
            "campaign__organization_id",
            "campaign__name",
            "campaign__slug",
            "campaign__hashtags",
            "campaign__starts_at",
            "campaign__ends_at",
            "campaign__status",
        )
        .order_by("campaign__starts_at", "campaign_id")
    )
    found: dict[int, Campaign] = {}
    for link in links:
        found.setdefault(link.item_id, link.campaign)
    return found


def live_campaign_for_item(
    *, membership: Membership, item: ContentItem, now: datetime | None = None
) -> Campaign | None:
    """The live campaign a share of ``item`` by ``membership`` made now belongs to."""
    return live_campaigns_of_items(membership=membership, item_ids=[item.pk], now=now).get(item.pk)


def campaign_items(*, campaign: Campaign, membership: Membership) -> list[ContentItem]:
    """The campaign's items this member may share (or, for managers, every one), in the
    campaign's order, with what their cards show."""
    from content_library.selectors.feed import with_card_data
    from content_library.selectors.visibility import items_for_member

    order = list(
        CampaignItem.objects.filter(organization_id=campaign.organization_id, campaign=campaign)
        .order_by("position", "id")
        .values_list("item_id", flat=True)
    )
    items = {i.pk: i for i in items_for_member(membership=membership).filter(pk__in=order)[:100]}
    return with_card_data([items[pk] for pk in order if pk in items])


def campaign_item_ids(campaign: Campaign) -> list[int]:
    return list(
        CampaignItem.objects.filter(organization_id=campaign.organization_id, campaign=campaign)
        .order_by("position", "id")
        .values_list("item_id", flat=True)
    )


# --- Figures -------------------------------------------------------------------------------


def _engagement_expr() -> Any:
    return (
        Coalesce("reactions", 0)
        + Coalesce("comments", 0)
        + Coalesce("reshares", 0)
        + Coalesce("saves", 0)
    )


def _engagement_known() -> Q:
    return (
        Q(reactions__isnull=False)
        | Q(comments__isnull=False)
        | Q(reshares__isnull=False)
        | Q(saves__isnull=False)
    )


def _published() -> Q:
    return Q(state=ShareState.PUBLISHED)


#: Aggregates are named ``f_<figure>``: an aggregate may not share a field's name.
_PREFIX = "f_"


def _aggregates() -> dict[str, Any]:
    """The figures of a group of a campaign's shares, as aggregate expressions."""
    pub = _published()
    figures = {
        "shares": Count("id", filter=pub),
        "clicks": Coalesce(Sum("clicks"), 0),
        "impressions": Sum("impressions", filter=pub),
        "impressions_unknown": Count("id", filter=pub & Q(impressions__isnull=True)),
        "reach": Sum("reach", filter=pub),
        "reach_unknown": Count("id", filter=pub & Q(reach__isnull=True)),
        "engagement": Sum(_engagement_expr(), filter=pub & _engagement_known()),
        "engagement_unknown": Count("id", filter=pub & ~_engagement_known()),
        "participants": Count("membership_id", filter=pub, distinct=True),
    }
    return {f"{_PREFIX}{k}": v for k, v in figures.items()}


@dataclass
class Figures:
    """A campaign's (or a group's) figures; ``None`` is unknown (no share has a figure)."""

    shares: int = 0
    clicks: int = 0
    impressions: int | None = None
    impressions_unknown: int = 0
    reach: int | None = None
    reach_unknown: int = 0
    engagement: int | None = None
    engagement_unknown: int = 0
    participants: int = 0
    label: str = ""
    key: Any = None

    def value(self, metric: str) -> int | None:
        values: dict[str, int | None] = {
            GoalMetric.SHARES: self.shares,
            GoalMetric.CLICKS: self.clicks,
            GoalMetric.IMPRESSIONS: self.impressions,
            GoalMetric.MEMBERS_REACHED: self.reach,
            GoalMetric.ENGAGEMENT: self.engagement,
            GoalMetric.PARTICIPANTS: self.participants,
        }
        return values[metric]

    def unknown(self, metric: str) -> int:
        """How many published shares have no figure for ``metric``."""
        unknown: dict[str, int] = {
            GoalMetric.IMPRESSIONS: self.impressions_unknown,
            GoalMetric.MEMBERS_REACHED: self.reach_unknown,
            GoalMetric.ENGAGEMENT: self.engagement_unknown,
        }
        return unknown.get(metric, 0)


def _figures(row: Any, **extra: Any) -> Figures:
    return Figures(
        **{k.removeprefix(_PREFIX): v for k, v in row.items() if k.startswith(_PREFIX)},
        **extra,
    )


def campaign_shares(campaign: Campaign) -> QuerySet[Share]:
    return Share.objects.filter(organization_id=campaign.organization_id, campaign=campaign)


def campaign_figures(*, campaign: Campaign) -> Figures:
    """Every figure of the campaign in one query."""
    return _figures(campaign_shares(campaign).aggregate(**_aggregates()))


@dataclass
class Progress:
    metric: str
    metric_label: str
    target: int
    value: int | None
    unknown: int
    shares: int
    percent: int  # 0-100, for the bar

    @property
    def is_unknown(self) -> bool:
        return self.value is None


def campaign_progress(*, campaign: Campaign, figures: Figures | None = None) -> Progress:
    """Progress to the goal: the goal's figure, the target and how many shares have no
    figure for it."""
    figures = figures or campaign_figures(campaign=campaign)
    metric = campaign.goal_metric
    value = figures.value(metric)
    target = max(campaign.goal_target, 1)
    percent = 0 if value is None else min(100, (value * 100) // target)
    return Progress(
        metric=metric,
        metric_label=str(GoalMetric(metric).label),
        target=campaign.goal_target,
        value=value,
        unknown=figures.unknown(metric),
        shares=figures.shares,
        percent=percent,
    )


def campaign_progress_many(*, campaigns: Sequence[Campaign]) -> dict[int, Progress]:
    """Progress of several campaigns in one query (the lists and home pages)."""
    if not campaigns:
        return {}
    org_ids = {c.organization_id for c in campaigns}
    rows = (
        Share.objects.filter(organization_id__in=org_ids, campaign__in=[c.pk for c in campaigns])
        .values("campaign_id")
        .annotate(**_aggregates())
        .order_by()
    )
    by_id = {row["campaign_id"]: _figures(row) for row in rows}
    return {
        c.pk: campaign_progress(campaign=c, figures=by_id.get(c.pk, Figures())) for c in campaigns
    }


def campaign_results_by_department(*, campaign: Campaign) -> list[Figures]:
    """Figures per department of the sharing members (members without one together)."""
    rows = (
        campaign_shares(campaign)
        .values("membership__department_id", "membership__department__name")
        .annotate(**_aggregates())
        .order_by(f"-{_PREFIX}shares", "membership__department__name")[:200]
    )
    return [
        _figures(
            row,
            key=row["membership__department_id"],
            label=row["membership__department__name"] or "",
        )
        for row in rows
    ]


def campaign_results_by_network(*, campaign: Campaign) -> list[Figures]:
    from advocacy.networks import Network

    labels = dict(Network.choices)
    rows = (
        campaign_shares(campaign)
        .values("network")
        .annotate(**_aggregates())
        .order_by(f"-{_PREFIX}shares", "network")
    )
    return [
        _figures(row, key=row["network"], label=str(labels.get(row["network"], row["network"])))
        for row in rows
    ]


@dataclass
class Participant:
    membership_id: int
    name: str
    department: str
    shares: int
    clicks: int


def campaign_participants(*, campaign: Campaign, limit: int = 100) -> list[Participant]:
    """Members with a published share of the campaign, most shares first."""
    rows = (
        campaign_shares(campaign)
        .filter(_published())
        .values(
            "membership_id",
            "membership__user__name",
            "membership__user__email",
            "membership__department__name",
        )
        .annotate(n_shares=Count("id"), n_clicks=Coalesce(Sum("clicks"), 0))
        .order_by("-n_shares", "-n_clicks", "membership_id")[:limit]
    )
    return [
        Participant(
            membership_id=r["membership_id"],
            name=r["membership__user__name"] or r["membership__user__email"],
            department=r["membership__department__name"] or "",
            shares=r["n_shares"],
            clicks=r["n_clicks"],
        )
        for r in rows
    ]


def campaign_top_posts(*, campaign: Campaign, limit: int = 10) -> list[Any]:
    """The published shares that did most for the goal (shares and participants goals: by
    engagement, then clicks); each with ``goal_value`` (``None``: unknown)."""
    metric = campaign.goal_metric
    exprs: dict[str, Any] = {
        GoalMetric.CLICKS: F("clicks"),
        GoalMetric.IMPRESSIONS: F("impressions"),
        GoalMetric.MEMBERS_REACHED: F("reach"),
    }
    expr = exprs.get(metric)
    if expr is None:
        expr = Case(When(_engagement_known(), then=_engagement_expr()), default=None)
    qs = campaign_shares(campaign).filter(_published()).annotate(goal_value=expr)
    order: list[Any] = [F("goal_value").desc(nulls_last=True), "-clicks", "-id"]
    shares = list(
        qs.select_related("membership__user", "item")
        .only(
            "id",
            "organization_id",
            "network",
            "permalink",
            "published_at",
            "clicks",
            "impressions",
            "reach",
            "reactions",
            "comments",
            "reshares",
            "saves",
            "membership__id",
            "membership__user__id",
            "membership__user__name",
            "membership__user__email",
            "item__id",
            "item__title",
            "item__preview_title",
            "item__url",
        )
        .order_by(*order)[:limit]
    )
    return shares


def member_contribution(*, campaign: Campaign, membership: Membership) -> Figures:
    """The member's own shares, clicks and figures in the campaign."""
    return _figures(
        campaign_shares(campaign).filter(membership=membership).aggregate(**_aggregates())
    )


# --- Trend ---------------------------------------------------------------------------------


@dataclass
class TrendDay:
    day: date
    added: int | None
    total: int | None
    percent: int = 0  # of the largest total, for the bar

    @property
    def bar_y(self) -> int:
        return 100 - self.percent


@dataclass
class Trend:
    metric: str
    days: list[TrendDay] = field(default_factory=list)
    maximum: int = 0


def _days(campaign: Campaign, zone: ZoneInfo, now: datetime) -> list[date]:
    start = timezone.localtime(campaign.starts_at, zone).date()
    # To today even after the end: the posts stay online and keep their clicks and figures,
    # so the last day's total is the campaign's figure.
    end = timezone.localtime(now, zone).date()
    if end < start:
        return []
    n = min((end - start).days + 1, MAX_TREND_DAYS)
    return [start + timedelta(days=k) for k in range(n)]


def campaign_trend(*, campaign: Campaign, now: datetime | None = None) -> Trend:
    """The goal's figure, cumulative, per day in the organization's time zone, from the
    campaign's start to today (after its end too). Shares count on the day they were published,
    clicks on the day they happened, participants on the day of their first share;
    impressions, reach and engagement (latest figures) on the day their share was
    published. One query whatever the number of shares."""
    now = now or timezone.now()
    zone = organization_zone(campaign.organization)
    metric = campaign.goal_metric
    days = _days(campaign, zone, now)
    per_day: dict[date, int] = {}
    known_any = True
    published = campaign_shares(campaign).filter(_published(), published_at__isnull=False)
    if metric == GoalMetric.CLICKS:
        rows = (
            ClickEvent.objects.filter(
                organization_id=campaign.organization_id,
                share__campaign=campaign,
                is_bot=False,
            )
            .annotate(day=TruncDate("occurred_at", tzinfo=zone))
            .values("day")
            .annotate(n=Count("id"))
            .order_by()
        )
    elif metric == GoalMetric.PARTICIPANTS:
        firsts = (
            published.values("membership_id")
            .annotate(first=Min("published_at"))
            .order_by()
            .values_list("first", flat=True)
        )
        for first in firsts:
            d = timezone.localtime(first, zone).date()
            per_day[d] = per_day.get(d, 0) + 1
        rows = None
    else:
        values: dict[str, Any] = {
            GoalMetric.SHARES: Count("id"),
            GoalMetric.IMPRESSIONS: Sum("impressions"),
            GoalMetric.MEMBERS_REACHED: Sum("reach"),
            GoalMetric.ENGAGEMENT: Sum(_engagement_expr(), filter=_engagement_known()),
        }
        value = values[metric]
        rows = (
            published.annotate(day=TruncDate("published_at", tzinfo=zone))
            .values("day")
            .annotate(n=value)
            .order_by()
        )
    if rows is not None:
        for row in rows:
            if row["n"] is not None:
                per_day[row["day"]] = per_day.get(row["day"], 0) + row["n"]
        if metric in (
            GoalMetric.IMPRESSIONS,
            GoalMetric.MEMBERS_REACHED,
            GoalMetric.ENGAGEMENT,
        ):
            known_any = bool(per_day)
    trend = Trend(metric=metric)
    total = 0
    # Figures from before the first day shown (a share published early) count from day one.
    if days:
        total = sum(v for d, v in per_day.items() if d < days[0])
    for d in days:
        added = per_day.get(d, 0)
        total += added
        trend.days.append(
            TrendDay(day=d, added=added if known_any else None, total=total if known_any else None)
        )
    trend.maximum = max([t.total or 0 for t in trend.days] + [0])
    for t in trend.days:
        t.percent = ((t.total or 0) * 100 // trend.maximum) if trend.maximum else 0
    return trend


def campaign_by_slug(*, membership: Membership, slug: str) -> Campaign | None:
    """The campaign of ``slug`` the member may open, or ``None``."""
    if not slug:
        return None
    return campaigns_for_member(membership=membership).filter(slug=slug).first()
