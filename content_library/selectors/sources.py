"""Feed sources (RSS/Atom): the organization's list, and the import sweep's
cross-tenant query."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import (
    Q,
    QuerySet,
)
from django.utils import timezone

from advocacy.dangerous import dangerously
from advocacy.models import Organization

from ..models import (
    FeedSource,
)


def feed_sources(*, organization: Organization) -> list[FeedSource]:
    return list(FeedSource.objects.for_org(organization).order_by("name", "id")[:200])


@dangerously(
    "The import sweep (every few minutes) finds the feed sources of every active "
    "organization that are due an import; each is then imported on its own, by id."
)
def dangerously_sources_due(
    *, now: datetime | None = None, every_minutes: int = 30
) -> QuerySet[FeedSource]:
    """Unpaused feed sources of active organizations not fetched for ``every_minutes``."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=every_minutes)
    return FeedSource.objects.filter(is_paused=False, organization__is_active=True).filter(
        Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lte=cutoff)
    )
