"""Reads of hashtag tracking: a campaign's hashtag counts through Chorus, its Instagram
mentions, and the organization's Instagram search budget. A campaign's counts are two
aggregate queries over the ``(organization, hashtag, published_at)`` index, whatever the
organization's size; a page of mentions is one keyset query."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from advocacy.models import Organization
from advocacy.networks import Network
from social.models import AccountStatus, OrganizationAccount, OrganizationAccountKind

from ..models import Campaign, CampaignStatus, HashtagMention, ShareHashtag
from ..services.hashtags import (
    SEARCH_LIMIT,
    PlannedHashtag,
    hashtag_key,
    hashtag_plan,
    searches_in_window,
)

MENTIONS_PAGE = 20


@dataclass
class HashtagCounts:
    """Shares published through Chorus in the campaign's dates whose caption carries one of
    its hashtags (a share with two of them counts once), whatever item was shared."""

    hashtags: list[str]
    total: int = 0
    by_network: list[tuple[str, int]] = field(default_factory=list)
    by_day: list[tuple[date, int]] = field(default_factory=list)
    mentions: int = 0

    @property
    def network_rows(self) -> list[tuple[str, int]]:
        """``by_network`` with each network's name as people read it."""
        labels = dict(Network.choices)
        return [(str(labels.get(n, n)), count) for n, count in self.by_network]


def _window(campaign: Campaign, now: datetime) -> tuple[datetime, datetime]:
    return campaign.starts_at, min(campaign.ends_at, now)


def campaign_hashtag_counts(
    *, organization: Organization, campaign: Campaign, now: datetime | None = None
) -> HashtagCounts:
    now = now or timezone.now()
    tags = sorted({hashtag_key(str(t)) for t in campaign.hashtags or [] if hashtag_key(str(t))})
    counts = HashtagCounts(hashtags=tags)
    if not tags:
        return counts
    start, end = _window(campaign, now)
    # Rows exist only for published shares (a terminal state; a deleted share takes its rows
    # with it), so the index alone answers: no join to the shares.
    rows = ShareHashtag.objects.filter(
        organization=organization,
        hashtag__in=tags,
        published_at__gte=start,
        published_at__lte=end,
    )
    by_network = (
        rows.values("network").annotate(n=Count("share", distinct=True)).order_by("-n", "network")
    )
    counts.by_network = [(r["network"], r["n"]) for r in by_network]
    by_day = (
        rows.annotate(day=TruncDate("published_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(n=Count("share", distinct=True))
        .order_by("day")
    )
    counts.by_day = [(r["day"], r["n"]) for r in by_day]
    # A share has one network: the sum of distinct shares per network is the distinct total.
    counts.total = sum(n for _network, n in counts.by_network)
    counts.mentions = HashtagMention.objects.filter(
        organization=organization, campaign=campaign
    ).count()
    return counts


def campaigns_hashtag_summaries(
    *, organization: Organization, campaigns: list[Campaign], now: datetime | None = None
) -> dict[int, HashtagCounts]:
    """Totals and networks of many campaigns in two queries (the managers' list): one
    filtered count per campaign over the union of their hashtags and dates."""
    now = now or timezone.now()
    result: dict[int, HashtagCounts] = {}
    filters: dict[str, Q] = {}
    all_tags: set[str] = set()
    for campaign in campaigns:
        tags = sorted({hashtag_key(str(t)) for t in campaign.hashtags or [] if hashtag_key(str(t))})
        result[campaign.pk] = HashtagCounts(hashtags=tags)
        if tags:
            start, end = _window(campaign, now)
            all_tags.update(tags)
            filters[f"c{campaign.pk}"] = Q(
                hashtag__in=tags, published_at__gte=start, published_at__lte=end
            )
    if filters:
        start = min(c.starts_at for c in campaigns)
        rows = (
            ShareHashtag.objects.filter(
                organization=organization,
                hashtag__in=sorted(all_tags),
                published_at__gte=start,
                published_at__lte=now,
            )
            .values("network")
            .annotate(
                **{key: Count("share", distinct=True, filter=q) for key, q in filters.items()}
            )
            .order_by("network")
        )
        for row in rows:
            for key in filters:
                if row[key]:
                    result[int(key[1:])].by_network.append((row["network"], row[key]))
        for counts in result.values():
            counts.by_network.sort(key=lambda nn: (-nn[1], nn[0]))
            counts.total = sum(n for _network, n in counts.by_network)
    mentions = (
        HashtagMention.objects.filter(organization=organization, campaign__in=list(result))
        .values("campaign_id")
        .annotate(n=Count("id"))
    )
    for row in mentions:
        result[row["campaign_id"]].mentions = row["n"]
    return result


def campaign_mentions(
    *,
    organization: Organization,
    campaign: Campaign,
    before_id: int | None = None,
    limit: int = MENTIONS_PAGE,
) -> list[HashtagMention]:
    """Newest found first (by id: the order they were found, stable for paging)."""
    qs = HashtagMention.objects.filter(organization=organization, campaign=campaign).select_related(
        "membership__user"
    )
    if before_id:
        qs = qs.filter(pk__lt=before_id)
    return list(qs.order_by("-id")[:limit])


def instagram_business_account(*, organization: Organization) -> OrganizationAccount | None:
    return (
        OrganizationAccount.objects.filter(
            organization=organization, kind=OrganizationAccountKind.INSTAGRAM_BUSINESS
        )
        .exclude(status=AccountStatus.DISCONNECTED)
        .order_by("pk")
        .first()
    )


@dataclass
class SearchBudget:
    account: OrganizationAccount | None
    used: int
    limit: int
    plan: list[PlannedHashtag]
    searched: list[Any]


def search_budget(*, organization: Organization, now: datetime | None = None) -> SearchBudget:
    account = instagram_business_account(organization=organization)
    if account is None:
        return SearchBudget(None, 0, SEARCH_LIMIT, [], [])
    window = searches_in_window(account=account, now=now)
    return SearchBudget(
        account=account,
        used=len(window),
        limit=SEARCH_LIMIT,
        plan=hashtag_plan(account=account, organization=organization, now=now),
        searched=sorted(window.values(), key=lambda s: s.first_searched_at),
    )


def campaigns_with_hashtags(*, organization: Organization) -> list[Campaign]:
    """Live campaigns first, then the most recent others (at most 50)."""
    qs = Campaign.objects.filter(organization=organization).exclude(hashtags=[])
    live = list(qs.filter(status=CampaignStatus.LIVE).order_by("-starts_at", "-pk")[:50])
    rest = list(
        qs.exclude(status__in=[CampaignStatus.LIVE, CampaignStatus.DRAFT]).order_by(
            "-starts_at", "-pk"
        )[: max(0, 50 - len(live))]
    )
    return live + rest
