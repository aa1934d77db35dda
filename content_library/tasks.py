"""Background jobs of the content library. Tasks take ids and re-load their rows
together with the organization; a mismatched pair does nothing (and says so)."""

from __future__ import annotations

import logging

from celery import shared_task

from .models import ContentItem, FeedSource, PreviewStatus

log = logging.getLogger(__name__)


@shared_task(name="content_library.tasks.content_item_fetch_preview")
def content_item_fetch_preview(item_id: int, organization_id: int) -> str:
    """Fetch and store the OpenGraph/Twitter-card preview of a link item."""
    from .services.previews import content_item_preview_refresh

    item = (
        ContentItem.objects.select_related("organization")
        .filter(pk=item_id, organization_id=organization_id)
        .first()
    )
    if item is None:
        log.warning("fetch_preview: no item %s in organization %s", item_id, organization_id)
        return "missing"
    if item.preview_status != PreviewStatus.PENDING:
        # Settled since it was requested (a newer request ran first, or the demo seeded it).
        log.info("fetch_preview: item %s preview is %s, not pending", item_id, item.preview_status)
        return item.preview_status
    item = content_item_preview_refresh(item=item)
    return item.preview_status


@shared_task(name="content_library.tasks.feed_source_import")
def feed_source_import(source_id: int, organization_id: int) -> int:
    """Import new entries of one RSS/Atom source as drafts."""
    from .services.sources import feed_source_import as import_source

    source = (
        FeedSource.objects.select_related("organization")
        .filter(pk=source_id, organization_id=organization_id)
        .first()
    )
    if source is None:
        log.warning("feed_import: no source %s in organization %s", source_id, organization_id)
        return 0
    if source.is_paused:
        return 0
    return import_source(source=source)


@shared_task(name="content_library.tasks.feed_sources_import_due")
def feed_sources_import_due() -> int:
    """Periodic: enqueue an import for every active source not fetched recently."""
    from .selectors.sources import dangerously_sources_due

    n = 0
    for source_id, org_id in (
        dangerously_sources_due().values_list("pk", "organization_id").iterator()
    ):
        feed_source_import.delay(source_id, org_id)
        n += 1
    return n
