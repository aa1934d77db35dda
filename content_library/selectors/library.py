"""Curators' reads: the library's pages (newest first, one query per page) and what an
item's page shows beside the item: revisions, language variants, audience, the member's
share mark, and what the guidelines say about its suggested captions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from advocacy.keyset import KeysetPage, keyset_page
from advocacy.models import Membership, Organization
from advocacy.networks import Network

from ..models import (
    AudienceDimension,
    ContentAudience,
    ContentItem,
    ContentItemRevision,
    ItemShareMark,
    Status,
    SuggestedCaption,
)
from .filters import ItemFilters


def library_page(
    *,
    organization: Organization,
    filters: ItemFilters,
    cursor: str | None = None,
    page_size: int = 30,
    now: datetime | None = None,
) -> KeysetPage:
    """Newest first, keyset on id (``advocacy.keyset``; a stale cursor starts from the
    top); archived items only when asked for. One query: the
    library's table shows the items' own columns and who suggested them (no captions,
    images or topics), so nothing is prefetched and the wide text columns stay behind."""
    now = now or timezone.now()
    qs = ContentItem.objects.for_org(organization)
    if not filters.status:
        qs = qs.exclude(status=Status.ARCHIVED)
    qs = filters.apply(qs, now=now)
    qs = qs.select_related("suggested_by__user").defer(*_LIBRARY_UNUSED)
    return keyset_page(qs, order=("-id",), cursor=cursor, size=page_size, on_invalid="first")


#: Columns the library's table never shows.
_LIBRARY_UNUSED = ("body", "preview_description", "search_text", "search_vector")


def item_revisions(*, item: ContentItem, limit: int = 50) -> list[ContentItemRevision]:
    return list(
        ContentItemRevision.objects.filter(organization_id=item.organization_id, item=item)
        .select_related("actor")
        .order_by("-id")[:limit]
    )


def language_variants(*, item: ContentItem) -> list[ContentItem]:
    return list(
        ContentItem.objects.filter(
            organization_id=item.organization_id, translation_group=item.translation_group
        )
        .exclude(pk=item.pk)
        .order_by("language")
    )


def share_mark_of(*, item: ContentItem, membership: Membership) -> ItemShareMark | None:
    return ItemShareMark.objects.filter(
        organization_id=item.organization_id, item=item, membership=membership
    ).first()


def audience_of(item: ContentItem) -> dict[str, list[Any]]:
    """The item's targeting as ids and values: ``departments``, ``locations``, ``roles``."""
    rows = list(ContentAudience.objects.filter(item=item).values_list("dimension", "value"))
    return {
        "departments": sorted(item.target_departments.values_list("pk", flat=True)),
        "locations": sorted(v for d, v in rows if d == AudienceDimension.LOCATION),
        "roles": sorted(v for d, v in rows if d == AudienceDimension.ROLE),
    }


def caption_findings(item: ContentItem) -> list[tuple[SuggestedCaption, list[Any]]]:
    """Guideline findings for every suggested caption (``guidelines.checker``)."""
    from guidelines.checker import check_caption

    result = []
    for caption in SuggestedCaption.objects.filter(item=item).order_by("network", "position"):
        result.append(
            (caption, list(check_caption(item.organization, caption.network, caption.text)))
        )
    return result


def guideline_reminders(*, item: ContentItem) -> list[dict[str, Any]]:
    """What the organization's guidelines say about the item's suggested captions, once
    per network and message (three LinkedIn alternatives missing the same hashtag make
    one reminder), blocking ones first. Each: ``network`` (label), ``severity``,
    ``message``, ``suggestion``."""
    seen: set[tuple[str, str, str, str]] = set()
    out: list[dict[str, Any]] = []
    for caption, findings in caption_findings(item):
        for f in findings:
            key = (caption.network, f.severity, f.message, f.suggestion or "")
            if key in seen:
                continue
            seen.add(key)
            out.append(
                {
                    "network": Network(caption.network).label,
                    "severity": f.severity,
                    "message": f.message,
                    "suggestion": f.suggestion,
                }
            )
    out.sort(key=lambda r: r["severity"] != "block")
    return out
