"""The batched events: new content per member and batch window (never one message per item),
and the managers' "waiting for review" once per hour window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from advocacy.dangerous import dangerously
from advocacy.models import Membership, Organization
from advocacy.permissions import ROLE_CAPABILITIES, Capability

from ..models import OrganizationNotificationSettings
from .chat import MAX_ITEMS, notify_chat
from .dispatch import notify

#: New content older than this when a batch runs is not announced any more (a first run, or
#: one after a long outage, does not dig up old items).
CONTENT_LOOKBACK = timedelta(days=1)


def members_with(organization_id: int, capability: Capability) -> QuerySet[Membership]:
    """Active members whose role grants ``capability``."""
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if capability in caps]
    return Membership.objects.select_related("organization", "user").filter(
        organization_id=organization_id, is_active=True, role__in=roles
    )


def hour_window(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y%m%d%H")


@dangerously("The new-content batch finds the organizations with newly approved items.")
def dangerously_organizations_with_new_content(*, now: datetime | None = None) -> QuerySet:
    """Ids of active organizations with items that entered the feed within the lookback."""
    from content_library.models import ContentItem, Status

    now = now or timezone.now()
    recent = ContentItem.objects.filter(
        status=Status.APPROVED, feed_at__gt=now - CONTENT_LOOKBACK, feed_at__lte=now
    ).values("organization_id")
    return Organization.objects.filter(pk__in=recent, is_active=True).values_list("pk", flat=True)


def content_batch_run(*, organization: Organization, now: datetime | None = None) -> int:
    """Tell each member how many items entered their feed since the last batch (content
    targeting and language as the feed shows them: ``visible_items``). One notification per
    member and batch; the organization's row is locked, so two runs do not overlap.
    Returns the number of members told."""
    from content_library.models import ContentItem, Status
    from content_library.selectors.visibility import visible_items

    now = now or timezone.now()
    told = 0
    with transaction.atomic():
        row, _created = OrganizationNotificationSettings.objects.get_or_create(
            organization=organization
        )
        row = OrganizationNotificationSettings.objects.select_for_update().get(pk=row.pk)
        since = max(row.content_batch_at or now - CONTENT_LOOKBACK, now - CONTENT_LOOKBACK)
        if since >= now:
            return 0
        window = {"feed_at__gt": since, "feed_at__lte": now}
        has_new = (
            ContentItem.objects.for_org(organization)
            .filter(status=Status.APPROVED, **window)
            .exists()
        )
        if has_new:
            link = reverse("content_feed", kwargs={"org_slug": organization.slug})
            period = now.astimezone(UTC).strftime("%Y%m%dT%H%M%S")
            for member in members_with(organization.pk, Capability.VIEW_FEED).order_by("pk"):
                member.organization = organization
                count = visible_items(membership=member, now=now).filter(**window).count()
                if count:
                    told += notify(
                        event="content_new",
                        recipients=[member],
                        period=period,
                        params={"count": count},
                        link=link,
                        now=now,
                    )
            _content_batch_chat(organization, window, period=period, link=link, now=now)
        row.content_batch_at = now
        row.save(update_fields=["content_batch_at"])
    return told


def _content_batch_chat(
    organization: Organization,
    window: dict[str, datetime],
    *,
    period: str,
    link: str,
    now: datetime,
) -> int:
    """The batch in the organization's chat channels: items for everyone (no targeting), in
    the organization's language, each with a button into the composer."""
    from content_library.models import ContentItem, Status

    items = list(
        ContentItem.objects.for_org(organization)
        .filter(
            status=Status.APPROVED,
            language=organization.default_language,
            targets_departments=False,
            targets_locations=False,
            targets_roles=False,
            **window,
        )
        .order_by("-feed_at", "-pk")
        .values("pk", "title")[:50]
    )
    if not items:
        return 0
    slug = organization.slug
    return notify_chat(
        organization=organization,
        event="content_new",
        period=period,
        params={
            "count": len(items),
            "items": [
                {
                    "title": item["title"],
                    "link": reverse(
                        "share_compose", kwargs={"org_slug": slug, "item_id": item["pk"]}
                    ),
                }
                for item in items[:MAX_ITEMS]
            ],
        },
        link=link,
        now=now,
    )


def review_waiting_notify(
    *, organization_id: int, event: str, link_name: str, now: datetime | None = None
) -> int:
    """Tell the reviewers that something waits, at most once per hour window."""
    now = now or timezone.now()
    members = list(members_with(organization_id, Capability.APPROVE_CONTENT))
    if not members:
        return 0
    slug = members[0].organization.slug
    return notify(
        event=event,
        recipients=members,
        period=hour_window(now),
        link=reverse(link_name, kwargs={"org_slug": slug}),
        now=now,
    )
