"""Which items a member may see: approved, in their window, targeted at the member (per
dimension: departments, locations, roles; an empty dimension means everyone; dimensions
combine with AND), in the member's content language or else, when the item's translation
group has no visible variant in that language, in the organization's default language.
Curators (MANAGE_CONTENT) may open every item."""

from __future__ import annotations

from datetime import datetime

from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone

from advocacy.models import Membership
from advocacy.permissions import Capability, has_capability

from ..models import (
    AudienceDimension,
    ContentAudience,
    ContentItem,
    Status,
)


def _targeted(qs: QuerySet[ContentItem], membership: Membership) -> QuerySet[ContentItem]:
    through = ContentItem.target_departments.through
    dept_match = (
        Exists(
            through.objects.filter(
                contentitem_id=OuterRef("pk"), department_id=membership.department_id
            )
        )
        if membership.department_id
        else Q(pk__in=[])
    )
    loc = (membership.location or "").strip()
    loc_match = (
        Exists(
            ContentAudience.objects.filter(
                item_id=OuterRef("pk"), dimension=AudienceDimension.LOCATION, value__iexact=loc
            )
        )
        if loc
        else Q(pk__in=[])
    )
    role_match = Exists(
        ContentAudience.objects.filter(
            item_id=OuterRef("pk"), dimension=AudienceDimension.ROLE, value=membership.role
        )
    )
    return (
        qs.filter(Q(targets_departments=False) | dept_match)
        .filter(Q(targets_locations=False) | loc_match)
        .filter(Q(targets_roles=False) | role_match)
    )


def _live(qs: QuerySet[ContentItem], now: datetime) -> QuerySet[ContentItem]:
    return qs.filter(status=Status.APPROVED, feed_at__isnull=False).filter(
        Q(publish_at__isnull=True) | Q(publish_at__lte=now),
        Q(expires_at__isnull=True) | Q(expires_at__gt=now),
    )


def visible_items(*, membership: Membership, now: datetime | None = None) -> QuerySet[ContentItem]:
    """What a member may see in the feed and search: one language variant per group."""
    now = now or timezone.now()
    org = membership.organization
    lang = membership.content_language
    default = org.default_language
    base = _targeted(_live(ContentItem.objects.for_org(org), now), membership)
    if lang == default:
        return base.filter(language=lang)
    sibling = _targeted(
        _live(
            ContentItem.objects.filter(
                organization=org, translation_group=OuterRef("translation_group"), language=lang
            ),
            now,
        ),
        membership,
    )
    return base.filter(Q(language=lang) | (Q(language=default) & ~Exists(sibling)))


def item_visible_to(*, membership: Membership, item: ContentItem) -> bool:
    return visible_items(membership=membership).filter(pk=item.pk).exists()


def items_for_member(*, membership: Membership) -> QuerySet[ContentItem]:
    """Items a member may open: everything for curators, the visible ones for others."""
    if has_capability(membership, Capability.MANAGE_CONTENT):
        return ContentItem.objects.for_org(membership.organization)
    return visible_items(membership=membership)
