"""RSS/Atom feed sources: curators add them, a periodic task imports their new entries
as drafts (deduplicated by URL within the organization)."""

from __future__ import annotations

import logging
import re
from html import unescape
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.models import Membership, Organization
from advocacy.permissions import Capability

from ..models import Category, ContentItem, FeedSource, Kind, url_digest
from .base import audit_record, require
from .items import item_insert

log = logging.getLogger(__name__)

FEED_MAX_BYTES = 5 * 1024 * 1024
FEED_TIMEOUT = 20.0
FEED_MAX_NEW_ENTRIES = 50


def _check_source(
    organization: Organization,
    name: str,
    url: str,
    language: str,
    category: str,
    exclude_pk: int | None = None,
) -> None:
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Give the source a name.")]
    if not re.match(r"^https?://", url, re.IGNORECASE):
        errors["url"] = [_("Use an http:// or https:// address.")]
    elif FeedSource.objects.for_org(organization).filter(url=url).exclude(pk=exclude_pk).exists():
        errors["url"] = [_("This feed is already a source.")]
    if language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose a language.")]
    if category not in Category.values:
        errors["category"] = [_("Choose a category.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def feed_source_create(
    *,
    actor: Membership,
    name: str,
    url: str,
    language: str | None = None,
    category: str = Category.INDUSTRY,
    is_company_content: bool = False,
    is_paused: bool = False,
) -> FeedSource:
    require(actor, Capability.MANAGE_CONTENT, actor.organization)
    org = actor.organization
    url = (url or "").strip()
    language = language or org.default_language
    _check_source(org, name, url, language, category)
    source = FeedSource.objects.create(
        organization=org,
        name=name.strip()[:120],
        url=url,
        language=language,
        category=category,
        is_company_content=is_company_content,
        is_paused=is_paused,
        created_by=actor.user,
    )
    audit_record(actor, "feed_source.created", source, {"url": url})
    if not is_paused:
        _enqueue_import(source)
    return source


@transaction.atomic
def feed_source_update(*, actor: Membership, source: FeedSource, **changes: Any) -> FeedSource:
    require(actor, Capability.MANAGE_CONTENT, source.organization)
    allowed = {"name", "url", "language", "category", "is_company_content", "is_paused"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({f: [_("This field cannot be changed.")] for f in sorted(unknown)})
    for k, v in changes.items():
        setattr(source, k, v.strip() if isinstance(v, str) else v)
    _check_source(
        source.organization, source.name, source.url, source.language, source.category, source.pk
    )
    source.save()
    audit_record(actor, "feed_source.changed", source, {"fields": sorted(changes)})
    return source


@transaction.atomic
def feed_source_delete(*, actor: Membership, source: FeedSource) -> None:
    require(actor, Capability.MANAGE_CONTENT, source.organization)
    audit_record(actor, "feed_source.deleted", source, {"url": source.url})
    source.delete()


def feed_source_request_import(*, actor: Membership, source: FeedSource) -> None:
    require(actor, Capability.MANAGE_CONTENT, source.organization)
    with transaction.atomic():
        _enqueue_import(source)


def _enqueue_import(source: FeedSource) -> None:
    source_id, org_id = source.pk, source.organization_id

    def enqueue() -> None:
        from ..tasks import feed_source_import as task

        task.delay(source_id, org_id)

    transaction.on_commit(enqueue)


def _plain_text(html: str) -> str:
    import nh3

    text = nh3.clean(html or "", tags=set())
    return " ".join(unescape(text).split())


def feed_source_import(*, source: FeedSource) -> int:
    """Fetch the feed and add its new entries as drafts (deduplicated by URL in the
    organization). Returns how many were added; a failure is recorded on the source.

    System work without an actor: only the import task calls it, for a source a curator
    added (``feed_source_create`` checked their capability)."""
    import feedparser

    from advocacy.safe_http import SafeHttpError, safe_get

    now = timezone.now()
    try:
        resp = safe_get(source.url, max_bytes=FEED_MAX_BYTES, timeout=FEED_TIMEOUT)
        parsed = feedparser.parse(resp.content, response_headers={"content-location": resp.url})
        if parsed.bozo and not parsed.entries:
            raise SafeHttpError(_("The address does not serve an RSS or Atom feed."))
    except SafeHttpError as exc:
        FeedSource.objects.filter(pk=source.pk).update(
            last_fetched_at=now, last_error=str(exc)[:300]
        )
        log.info("feed import failed org=%s source=%s: %s", source.organization_id, source.pk, exc)
        return 0
    added = 0
    seen: set[str] = set()
    for entry in parsed.entries:
        link = (entry.get("link") or "").strip()
        if not link or not re.match(r"^https?://", link, re.IGNORECASE):
            continue
        digest = url_digest(link)
        if digest in seen:
            continue
        seen.add(digest)
        if ContentItem.objects.for_org(source.organization).filter(url_hash=digest).exists():
            continue
        if added >= FEED_MAX_NEW_ENTRIES:
            break
        title = _plain_text(entry.get("title") or "")[:200] or link[:200]
        summary = _plain_text(entry.get("summary") or "")[:5000]
        try:
            with transaction.atomic():
                item_insert(
                    organization=source.organization,
                    actor=None,
                    action="imported",
                    fields={
                        "title": title,
                        "kind": Kind.LINK,
                        "body": summary,
                        "url": link[:2000],
                        "category": source.category,
                        "language": source.language,
                        "is_company_content": source.is_company_content,
                        "captions_editable": True,
                        "publish_at": None,
                        "expires_at": None,
                        "is_pinned": False,
                        "priority": 0,
                    },
                    source=source,
                )
        except ValidationError as exc:
            log.info(
                "feed entry skipped org=%s source=%s: %s", source.organization_id, source.pk, exc
            )
            continue
        added += 1
    FeedSource.objects.filter(pk=source.pk).update(
        last_fetched_at=now,
        last_success_at=now,
        last_error="",
        items_imported=F("items_imported") + added,
    )
    return added
