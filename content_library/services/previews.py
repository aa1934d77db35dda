"""Link previews of link and video items: requested when an item's address changes,
fetched by a background task, and stored on the item (``preview_*`` fields)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.models import Membership
from advocacy.permissions import Capability

from ..html_meta import parse_link_preview
from ..models import ContentItem, Kind, PreviewStatus
from .base import require
from .item_parts import reindex

log = logging.getLogger(__name__)

PREVIEW_MAX_BYTES = 1024 * 1024
PREVIEW_TIMEOUT = 10.0


def preview_request(item: ContentItem) -> None:
    """Mark the preview as pending and enqueue its fetch once the transaction commits
    (no capability check: the calling service made it)."""
    if item.kind not in (Kind.LINK, Kind.VIDEO) or not item.url:
        ContentItem.objects.filter(pk=item.pk).update(preview_status=PreviewStatus.NONE)
        return
    item.preview_status = PreviewStatus.PENDING
    item.preview_error = ""
    ContentItem.objects.filter(pk=item.pk).update(
        preview_status=PreviewStatus.PENDING, preview_error=""
    )
    item_id, org_id = item.pk, item.organization_id

    def enqueue() -> None:
        from ..tasks import content_item_fetch_preview

        content_item_fetch_preview.delay(item_id, org_id)

    transaction.on_commit(enqueue)


def content_item_request_preview(*, actor: Membership, item: ContentItem) -> ContentItem:
    """Fetch the link preview again (after a failure, or when the page changed)."""
    require(actor, Capability.MANAGE_CONTENT, item.organization)
    with transaction.atomic():
        preview_request(item)
    return item


def content_item_preview_refresh(*, item: ContentItem) -> ContentItem:
    """Fetch the page behind a link item and store its preview; a failure is recorded,
    never raised: the item stays usable and the library shows why.

    System work without an actor: only the preview task calls it, for an item whose
    preview a service has requested (with the actor's capability checked there)."""
    from advocacy.safe_http import SafeHttpError, safe_get

    if item.kind not in (Kind.LINK, Kind.VIDEO) or not item.url:
        return item
    now = timezone.now()
    try:
        resp = safe_get(
            item.url, max_bytes=PREVIEW_MAX_BYTES, timeout=PREVIEW_TIMEOUT, truncate=True
        )
        if resp.content_type and "html" not in resp.content_type:
            raise _NotHtml(resp.content_type)
        preview = parse_link_preview(resp.text, resp.url)
    except (SafeHttpError, _NotHtml) as exc:
        message = (
            _("The address is not a web page (%(type)s).") % {"type": str(exc)}
            if isinstance(exc, _NotHtml)
            else str(exc)
        )
        ContentItem.objects.filter(pk=item.pk, organization_id=item.organization_id).update(
            preview_status=PreviewStatus.FAILED, preview_error=message[:300], preview_fetched_at=now
        )
        item.preview_status, item.preview_error = PreviewStatus.FAILED, message[:300]
        log.info("link preview failed org=%s item=%s: %s", item.organization_id, item.pk, message)
        return item
    item.preview_status = PreviewStatus.OK
    item.preview_title = preview.title[:300]
    item.preview_description = preview.description[:2000]
    item.preview_image_url = preview.image_url
    item.preview_site_name = preview.site_name[:200]
    item.preview_error = ""
    item.preview_fetched_at = now
    ContentItem.objects.filter(pk=item.pk, organization_id=item.organization_id).update(
        preview_status=item.preview_status,
        preview_title=item.preview_title,
        preview_description=item.preview_description,
        preview_image_url=item.preview_image_url,
        preview_site_name=item.preview_site_name,
        preview_error="",
        preview_fetched_at=now,
    )
    reindex(item)
    return item


class _NotHtml(Exception):
    pass
