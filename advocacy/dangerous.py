"""The one place for the exceptions to tenancy: queries that cross organizations on purpose,
and cache keys that are global on purpose.

Tenant rows are reached inside one organization (``advocacy.tenancy``: the page and API
bases, ``access_by_id``, ``Model.objects.for_org``). Periodic sweeps need to find work in
every organization at once; each such query is a function named ``dangerously_*``,
defined here or registered here with ``@dangerously``, so that a reviewer finds every
cross-tenant query in one list (``CROSS_TENANT_QUERIES``, filled at import; the apps'
sweeps are listed in ``CROSS_TENANT_SWEEPS`` below so that the list is complete without
importing anything). A sweep uses it only to find
ids, then handles each organization through the ordinary scoped services
(tasks take ids, re-load with the organization, and do nothing when the pair does not
match). ``tests/test_dangerous.py`` fails on a ``dangerously_*`` function that is not
listed.

Cache keys, rate-limit keys and file paths carry the organization. The exceptions are
listed in ``GLOBAL_CACHE_KEYS`` with the reason each one is safe.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.utils import timezone

F = TypeVar("F", bound=Callable[..., Any])

#: ``module.function`` -> why it must see every organization.
CROSS_TENANT_QUERIES: dict[str, str] = {}


def dangerously(why: str) -> Callable[[F], F]:
    """Register a cross-tenant query; its name must start with ``dangerously_``."""

    def register(fn: F) -> F:
        if not fn.__name__.startswith("dangerously_"):
            raise TypeError(f"{fn.__qualname__}: cross-tenant queries are named dangerously_*.")
        CROSS_TENANT_QUERIES[f"{fn.__module__}.{fn.__qualname__}"] = why
        return fn

    return register


@dangerously("The hourly sweep finds the organizations with invitations past their date.")
def dangerously_organizations_with_invitations_past_expiry(
    *, now: datetime | None = None
) -> QuerySet:
    """Ids of active organizations that have unanswered invitations past their date and
    not yet marked expired."""
    from .models import Invitation, Organization

    now = now or timezone.now()
    due = Invitation.objects.filter(
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expired_at__isnull=True,
        expires_at__lte=now,
    ).values("organization_id")
    return Organization.objects.filter(pk__in=due, is_active=True).values_list("pk", flat=True)


#: Every cross-tenant query of the project, by ``module.function`` (each is defined with
#: ``@dangerously``; ``tests/test_dangerous.py`` checks this list against the code both ways).
CROSS_TENANT_SWEEPS: tuple[str, ...] = (
    "advocacy.dangerous.dangerously_organizations_with_invitations_past_expiry",
    "content_library.selectors.sources.dangerously_sources_due",
    "social.services.publishing.dangerously_api_shares",
    "social.services.metrics.dangerously_metrics_due_shares",
    "social.services.clicks.dangerously_links_of_clicks",
    "social.services.clicks.dangerously_click_events_stored",
    "social.services.clicks.dangerously_uncounted_clicks",
    "campaigns.services.campaigns.dangerously_campaigns_due",
    "campaigns.tasks.points.dangerously_organizations_for_streaks",
    "campaigns.services.raffles.dangerously_raffles_due",
    "campaigns.services.amplification.dangerously_amplifications",
    "campaigns.services.hashtags.dangerously_organizations_with_hashtag_search",
    "notifications.services.batches.dangerously_organizations_with_new_content",
    "notifications.services.email.dangerously_deliveries_due",
    "notifications.services.chat.dangerously_chat_posts_due",
)

#: Cache keys without an organization, and why that is safe.
GLOBAL_CACHE_KEYS: dict[str, str] = {
    "social.selectors.links.link_cache_key (tracked-link codes)": (
        "A tracked link's code is random and unique across all organizations, and the "
        "public redirect /s/<code> has no organization in its URL; the cached row carries "
        "its organization id."
    ),
    "social.services.clicks QUEUE_KEY / PROCESSING_KEY / DRAIN_LOCK_KEY": (
        "One click buffer and one drain lock for the whole installation; each event names "
        "its link, whose row carries the organization."
    ),
    "social.services.quotas (network quota marks)": (
        "A network's rate limit belongs to the app's credentials (per app) or to a person's "
        "network account (per account), both shared by every organization."
    ),
    "social.connectors.error_counts (per-network error counters)": (
        "Errors are counted per network for the whole installation's network health."
    ),
}
