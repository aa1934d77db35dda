"""Reads about shares that the composer, the share pages, the API and tasks share.

Lists are keyset-paginated on ``-id`` over indexes that start with ``organization_id``
(``share_org_member_id``), with a fixed number of queries per page whatever its size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Count, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.models import Membership, Organization
from advocacy.networks import Network
from advocacy.permissions import Capability, has_capability
from content_library.models import ContentItem, Kind

from .models import (
    AccountKind,
    AccountStatus,
    ClickEvent,
    MetricSnapshot,
    NetworkAccount,
    NetworkPolicy,
    Share,
    ShareEvent,
    ShareMethod,
    ShareState,
)

#: Networks reached through the member's own share dialog / intent (no posting API for the
#: account type): Facebook personal profiles and X.
DIALOG_NETWORKS: tuple[str, ...] = (Network.FACEBOOK, Network.X)

#: Account kinds a network's API can post as (see SOCIAL_APIS.md).
API_POSTABLE_KINDS: dict[str, frozenset[str]] = {
    Network.LINKEDIN: frozenset({AccountKind.MEMBER}),
    Network.INSTAGRAM: frozenset({AccountKind.PROFESSIONAL}),
    Network.FACEBOOK: frozenset({AccountKind.PAGE}),
}

#: States in which a share is still on its way (cannot be shared again).
IN_FLIGHT_STATES = frozenset(
    {ShareState.SCHEDULED, ShareState.QUEUED, ShareState.PUBLISHING, ShareState.UNKNOWN_OUTCOME}
)
RETRYABLE_STATES = frozenset({ShareState.FAILED, ShareState.NEEDS_RECONNECT})

SHARES_PAGE_SIZE = 25
SHARES_MAX_PAGE_SIZE = 100


def organization_zone(organization: Organization) -> ZoneInfo:
    try:
        return ZoneInfo(organization.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


# --- item and network facts -----------------------------------------------------------


def item_has_image(item: ContentItem) -> bool:
    """Instagram publishes images only: the item's own images or its link preview's image."""
    return bool(list(item.images.all())) or bool(item.preview_image_url)


def network_refusal(*, item: ContentItem, network: str, dialog: bool) -> str:
    """Why ``item`` cannot go to ``network`` (empty when it can)."""
    label = Network(network).label
    if network == Network.INSTAGRAM and not item_has_image(item):
        if item.kind == Kind.TEXT:
            return _("Instagram publishes images only; this text item has no image.")
        return _("Instagram publishes images only; this link has no image to post.")
    if dialog and network == Network.FACEBOOK and not item.url:
        return _("Facebook's share dialog shares a link; this item has none.")
    if dialog and network not in DIALOG_NETWORKS:
        return _("%(network)s is shared through a connected account, not a share dialog.") % {
            "network": label
        }
    return ""


def disallowed_networks(*, organization: Organization) -> set[str]:
    return set(
        NetworkPolicy.objects.for_org(organization)
        .filter(allowed=False)
        .values_list("network", flat=True)
    )


def member_accounts(*, membership: Membership) -> list[NetworkAccount]:
    """The member's linked accounts (a person's, whichever organization), not disconnected."""
    return list(
        NetworkAccount.objects.filter(user_id=membership.user_id)
        .exclude(status=AccountStatus.DISCONNECTED)
        .order_by("network", "kind", "display_name", "id")
    )


def account_refusal(*, account: NetworkAccount, membership: Membership) -> str:
    """Why Chorus cannot post as ``account`` for this member (empty when it can)."""
    label = account.get_network_display()
    if account.user_id != membership.user_id:
        return _("Choose one of your own linked accounts.")
    if account.network not in API_POSTABLE_KINDS:
        return _("Chorus cannot post to %(network)s yet; use its share dialog.") % {
            "network": label
        }
    if account.kind not in API_POSTABLE_KINDS[account.network]:
        if account.network == Network.FACEBOOK:
            return _("Apps cannot post to Facebook personal profiles; use Facebook's share dialog.")
        return _("Chorus cannot post as this kind of %(network)s account.") % {"network": label}
    if not account.is_usable:
        return _("Your %(network)s account needs reconnecting before you can share to it.") % {
            "network": label
        }
    return ""


# --- the composer -------------------------------------------------------------------------


@dataclass
class ComposerTarget:
    """One row of the composer: a linked account or a share-dialog network."""

    key: str  # "account-<id>" or "dialog-<network>"
    network: str
    label: str
    account: NetworkAccount | None
    caption: str
    alternatives: list[str] = field(default_factory=list)
    refusal: str = ""

    @property
    def is_dialog(self) -> bool:
        return self.account is None

    @property
    def network_label(self) -> str:
        return str(Network(self.network).label)

    @property
    def available(self) -> bool:
        return not self.refusal


def suggested_captions(item: ContentItem) -> dict[str, list[str]]:
    """The item's suggested captions per network, in their order (prefetched or one query)."""
    out: dict[str, list[str]] = defaultdict(list)
    for c in item.captions.all():
        out[c.network].append(c.text)
    return dict(out)


def prefill_for(captions: dict[str, list[str]], network: str) -> tuple[str, list[str]]:
    """The caption to start with for ``network`` and its alternatives: the network's own
    suggestions, else the first suggestion for any network, else nothing."""
    own = captions.get(network) or []
    if own:
        return own[0], list(own)
    for texts in captions.values():
        if texts:
            return texts[0], [texts[0]]
    return "", []


def composer_targets(*, membership: Membership, item: ContentItem) -> list[ComposerTarget]:
    """Every place the member could share ``item`` to, with prefilled captions; targets
    that cannot take it carry a ``refusal`` the composer shows instead of a checkbox."""
    captions = suggested_captions(item)
    blocked = disallowed_networks(organization=membership.organization)
    targets: list[ComposerTarget] = []
    for account in member_accounts(membership=membership):
        if account.network in blocked:
            continue
        caption, alternatives = prefill_for(captions, account.network)
        refusal = account_refusal(account=account, membership=membership) or network_refusal(
            item=item, network=account.network, dialog=False
        )
        name = account.display_name or account.external_id
        targets.append(
            ComposerTarget(
                key=f"account-{account.pk}",
                network=account.network,
                label=f"{account.get_network_display()}: {name}",
                account=account,
                caption=caption,
                alternatives=alternatives,
                refusal=refusal,
            )
        )
    for network in DIALOG_NETWORKS:
        if network in blocked:
            continue
        caption, alternatives = prefill_for(captions, network)
        label = (
            _("Facebook (your profile, through Facebook's share dialog)")
            if network == Network.FACEBOOK
            else _("%(network)s (through its share dialog)") % {"network": Network(network).label}
        )
        targets.append(
            ComposerTarget(
                key=f"dialog-{network}",
                network=network,
                label=str(label),
                account=None,
                caption=caption,
                alternatives=alternatives,
                refusal=network_refusal(item=item, network=network, dialog=True),
            )
        )
    return targets


# --- suggested time -------------------------------------------------------------------------

#: Fewer published shares than this and the member's history says nothing yet.
SUGGESTED_TIME_MIN_SHARES = 3
SUGGESTED_TIME_HISTORY = 200
SUGGESTED_TIME_LEAD = timedelta(minutes=15)
#: The default: Tuesday to Thursday at 09:00 in the organization's time zone.
DEFAULT_WEEKDAYS = (1, 2, 3)
DEFAULT_HOUR = 9


def _engagement(row: dict[str, Any]) -> int:
    return sum(row.get(k) or 0 for k in ("reactions", "comments", "reshares", "clicks"))


def _next_slot(now_local: datetime, weekday: int, hour: int) -> datetime:
    days = (weekday - now_local.weekday()) % 7
    candidate = now_local.replace(hour=hour, minute=0, second=0, microsecond=0) + timedelta(
        days=days
    )
    if candidate <= now_local:
        candidate += timedelta(days=7)
    return candidate


def best_hours_of_week(*, membership: Membership) -> list[tuple[int, int, float, int]]:
    """(weekday, hour, mean engagement, shares) per hour of the week in the organization's
    zone, best first, from the member's latest published shares (one bounded query)."""
    zone = organization_zone(membership.organization)
    rows = (
        Share.objects.for_org(membership.organization)
        .filter(membership=membership, state=ShareState.PUBLISHED, published_at__isnull=False)
        .order_by("-id")
        .values("published_at", "reactions", "comments", "reshares", "clicks")[
            :SUGGESTED_TIME_HISTORY
        ]
    )
    buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
    for row in rows:
        local = row["published_at"].astimezone(zone)
        buckets[(local.weekday(), local.hour)].append(_engagement(row))
    ranked = [
        (wd, hour, sum(values) / len(values), len(values)) for (wd, hour), values in buckets.items()
    ]
    ranked.sort(key=lambda r: (-r[2], -r[3], r[0], r[1]))
    return ranked


def suggested_share_time(*, membership: Membership, now: datetime | None = None) -> datetime:
    """When this member's shares have earned most engagement (hour of the week), next time
    it comes round; without enough history, the next Tuesday-Thursday 09:00 in the
    organization's zone. Always an aware datetime at least 15 minutes ahead."""
    now = now or timezone.now()
    zone = organization_zone(membership.organization)
    earliest = (now + SUGGESTED_TIME_LEAD).astimezone(zone)
    ranked = best_hours_of_week(membership=membership)
    total = sum(r[3] for r in ranked)
    if total >= SUGGESTED_TIME_MIN_SHARES and ranked and ranked[0][2] > 0:
        weekday, hour = ranked[0][0], ranked[0][1]
        return _next_slot(earliest, weekday, hour).astimezone(UTC)
    return min(_next_slot(earliest, wd, DEFAULT_HOUR) for wd in DEFAULT_WEEKDAYS).astimezone(UTC)


# --- lists and details ------------------------------------------------------------------------


def shares_for(*, membership: Membership, scope: str = "mine") -> QuerySet[Share]:
    """The member's own shares, or (``scope="org"``, VIEW_ANALYTICS only) the organization's."""
    qs = Share.objects.for_org(membership.organization)
    if scope == "org" and has_capability(membership, Capability.VIEW_ANALYTICS):
        return qs
    return qs.filter(membership=membership)


def with_list_data(qs: QuerySet[Share]) -> QuerySet[Share]:
    return qs.select_related("item", "account", "link", "membership__user")


@dataclass
class SharesPage:
    shares: list[Share]
    next_before: int | None


def shares_page(
    *,
    membership: Membership,
    before_id: int | None = None,
    page_size: int = SHARES_PAGE_SIZE,
    state: str = "",
    item: ContentItem | None = None,
) -> SharesPage:
    """Newest first by the time the share was made (ids do not follow it: demo data and
    imports create old shares late), keyset on (created_at, id) from the share
    ``before_id`` (a subquery): one query whatever the page."""
    page_size = max(1, min(int(page_size), SHARES_MAX_PAGE_SIZE))
    qs = shares_for(membership=membership)
    if state:
        qs = qs.filter(state=state)
    if item is not None:
        qs = qs.filter(item=item)
    if before_id:
        anchor = Subquery(
            shares_for(membership=membership).filter(pk=before_id).values("created_at")[:1]
        )
        qs = qs.filter(Q(created_at__lt=anchor) | Q(created_at=anchor, pk__lt=before_id))
    rows = list(with_list_data(qs).order_by("-created_at", "-id")[: page_size + 1])
    more = len(rows) > page_size
    rows = rows[:page_size]
    return SharesPage(shares=rows, next_before=rows[-1].pk if more and rows else None)


def item_share_history(
    *, membership: Membership, item: ContentItem, limit: int = 20
) -> list[Share]:
    return list(
        with_list_data(shares_for(membership=membership).filter(item=item)).order_by(
            "-created_at", "-id"
        )[:limit]
    )


def share_events(*, share: Share, limit: int = 200) -> list[ShareEvent]:
    return list(
        ShareEvent.objects.filter(organization_id=share.organization_id, share=share).order_by(
            "at", "id"
        )[:limit]
    )


def share_snapshots(*, share: Share, limit: int = 100) -> list[MetricSnapshot]:
    return list(
        MetricSnapshot.objects.filter(organization_id=share.organization_id, share=share).order_by(
            "-fetched_at", "-id"
        )[:limit]
    )


@dataclass(frozen=True)
class DailyClicks:
    day: date
    human: int
    bot: int


def share_daily_clicks(
    *, share: Share, days: int = 90, now: datetime | None = None
) -> list[DailyClicks]:
    """Clicks on the share's tracked link per day (UTC), people and link-preview bots apart,
    over the last ``days`` days (one grouped query on ``click_org_link_occurred``)."""
    now = now or timezone.now()
    link = getattr(share, "link", None) if _has_link(share) else None
    if link is None:
        return []
    rows = (
        ClickEvent.objects.filter(
            organization_id=share.organization_id,
            link_id=link.pk,
            occurred_at__gte=now - timedelta(days=days),
        )
        .annotate(day=TruncDate("occurred_at", tzinfo=UTC))
        .values("day")
        .annotate(
            human=Count("id", filter=Q(is_bot=False)),
            bot=Count("id", filter=Q(is_bot=True)),
        )
        .order_by("day")
    )
    return [DailyClicks(day=r["day"], human=r["human"], bot=r["bot"]) for r in rows]


def _has_link(share: Share) -> bool:
    from .models import TrackedLink

    try:
        return share.link is not None
    except TrackedLink.DoesNotExist:
        return False


def share_tracked_link(share: Share) -> Any:
    """The share's TrackedLink or None (no query when ``link`` was select_related)."""
    return share.link if _has_link(share) else None


def dialog_shares_pending(*, membership: Membership, item: ContentItem) -> QuerySet[Share]:
    return shares_for(membership=membership).filter(
        item=item, method=ShareMethod.DIALOG, state=ShareState.SCHEDULED
    )
