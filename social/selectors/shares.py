"""Reads about shares: the member's lists, one share's history, clicks and metrics.

Lists are keyset-paginated (``advocacy.keyset``) over indexes that start with
``organization_id``, with a fixed number of queries per page whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from advocacy.keyset import KeysetPage, keyset_page
from advocacy.models import Membership
from advocacy.permissions import Capability, has_capability
from content_library.models import ContentItem

from ..models import (
    ClickEvent,
    MetricSnapshot,
    Share,
    ShareEvent,
    ShareMethod,
    ShareState,
)

SHARES_PAGE_SIZE = 25
SHARES_MAX_PAGE_SIZE = 100


# --- lists and details ------------------------------------------------------------------------


def shares_for(*, membership: Membership, scope: str = "mine") -> QuerySet[Share]:
    """The member's own shares, or (``scope="org"``, VIEW_ANALYTICS only) the organization's."""
    qs = Share.objects.for_org(membership.organization)
    if scope == "org" and has_capability(membership, Capability.VIEW_ANALYTICS):
        return qs
    return qs.filter(membership=membership)


def with_list_data(qs: QuerySet[Share]) -> QuerySet[Share]:
    return qs.select_related("item", "account", "link", "membership__user")


def shares_page(
    *,
    membership: Membership,
    cursor: str | None = None,
    page_size: int = SHARES_PAGE_SIZE,
    state: str = "",
    item: ContentItem | None = None,
) -> KeysetPage:
    """Newest first by the time the share was made (ids do not follow it: demo data and
    imports create old shares late), keyset on (created_at, id) through
    ``advocacy.keyset``: one query whatever the page. A cursor this list did not give
    out starts from the top (pages answer a stale link with the first page)."""
    page_size = max(1, min(int(page_size), SHARES_MAX_PAGE_SIZE))
    qs = shares_for(membership=membership)
    if state:
        qs = qs.filter(state=state)
    if item is not None:
        qs = qs.filter(item=item)
    return keyset_page(
        with_list_data(qs),
        order=("-created_at", "-id"),
        cursor=cursor,
        size=page_size,
        on_invalid="first",
    )


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
    from ..models import TrackedLink

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
