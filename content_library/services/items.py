"""Creating and editing library items. Content edits of an approved item send it back
to review when the organization asks for that (``ContentLibrarySettings``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.models import Department, Membership, Organization
from advocacy.permissions import Capability

from ..models import (
    Category,
    ContentImage,
    ContentItem,
    FeedSource,
    Kind,
    Status,
    Topic,
    url_digest,
)
from ..selectors.library import audience_of
from .base import audit_record, require, revision_record
from .item_parts import (
    CaptionInput,
    captions_of,
    check_fields,
    clean_captions,
    images_attach,
    reindex,
    set_audience,
    set_captions,
    set_topics,
)
from .library_settings import library_settings_for
from .previews import preview_request
from .review import approvals_clear

#: Edits to these (and to captions and images) send an approved item back to review.
REVIEWED_FIELDS = ("kind", "title", "body", "url", "language")
EDITABLE_FIELDS = (
    *REVIEWED_FIELDS,
    "category",
    "is_company_content",
    "captions_editable",
    "publish_at",
    "expires_at",
    "is_pinned",
    "priority",
)


def compute_feed_at(item: ContentItem) -> datetime | None:
    if item.status != Status.APPROVED:
        return item.feed_at
    return item.publish_at or item.approved_at or timezone.now()


@transaction.atomic
def content_item_create(
    *,
    actor: Membership,
    title: str,
    kind: str = Kind.LINK,
    body: str = "",
    url: str = "",
    category: str = Category.COMPANY_NEWS,
    language: str | None = None,
    is_company_content: bool = True,
    captions_editable: bool = True,
    captions: Iterable[CaptionInput | tuple[str, str] | dict] = (),
    topics: Iterable[Topic | int] = (),
    publish_at: datetime | None = None,
    expires_at: datetime | None = None,
    is_pinned: bool = False,
    priority: int = 0,
    departments: Iterable[Department | int] = (),
    locations: Iterable[str] = (),
    roles: Iterable[str] = (),
    images: Sequence[File | tuple[File, str]] = (),
    translation_of: ContentItem | None = None,
    suggested_by: Membership | None = None,
) -> ContentItem:
    """A new draft in the library."""
    organization = actor.organization
    require(actor, Capability.MANAGE_CONTENT, organization)
    return item_insert(
        organization=organization,
        actor=actor,
        action="created",
        fields={
            "title": title,
            "kind": kind,
            "body": body,
            "url": url,
            "category": category,
            "language": language or organization.default_language,
            "is_company_content": is_company_content,
            "captions_editable": captions_editable,
            "publish_at": publish_at,
            "expires_at": expires_at,
            "is_pinned": is_pinned,
            "priority": priority,
        },
        captions=captions,
        topics=topics,
        departments=departments,
        locations=locations,
        roles=roles,
        images=images,
        translation_of=translation_of,
        suggested_by=suggested_by,
    )


def item_insert(
    *,
    organization: Organization,
    actor: Membership | None,
    action: str,
    fields: dict[str, Any],
    captions: Iterable[Any] = (),
    topics: Iterable[Topic | int] = (),
    departments: Iterable[Department | int] = (),
    locations: Iterable[str] = (),
    roles: Iterable[str] = (),
    images: Sequence[Any] = (),
    translation_of: ContentItem | None = None,
    suggested_by: Membership | None = None,
    source: FeedSource | None = None,
) -> ContentItem:
    """Insert an item with its parts. No capability check: the callers have made it
    (``content_item_create``, ``suggestions.suggestion_accept``) or are system work
    without an actor (``sources.feed_source_import``, ``actor=None``)."""
    fields = {**fields, "title": (fields.get("title") or "").strip()[:200]}
    fields["url"] = (fields.get("url") or "").strip()
    check_fields(fields, organization)
    cleaned = clean_captions(captions)
    if fields["kind"] == Kind.IMAGE and not images:
        raise ValidationError({"images": [_("An image item needs at least one image.")]})
    item = ContentItem(
        organization=organization,
        created_by=actor.user if actor is not None else None,
        suggested_by=suggested_by,
        source=source,
        url_hash=url_digest(fields["url"]),
        **fields,
    )
    if translation_of is not None:
        if translation_of.organization_id != organization.pk:
            raise ValidationError({"translation_of": [_("Choose an item of this organization.")]})
        item.translation_group = translation_of.translation_group
        clash = (
            ContentItem.objects.for_org(organization)
            .filter(translation_group=item.translation_group, language=item.language)
            .exclude(status=Status.ARCHIVED)
            .exists()
        )
        if clash:
            raise ValidationError(
                {"language": [_("This item already has a variant in that language.")]}
            )
    item.save()
    set_captions(item, cleaned)
    set_topics(item, topics)
    set_audience(item, departments=departments, locations=locations, roles=roles)
    images_attach(item, images)
    reindex(item)
    revision_record(item=item, actor=actor, action=action)
    if actor is not None:
        audit_record(actor, "content_item.created", item, {"title": item.title})
    preview_request(item)
    return item


@transaction.atomic
def content_item_update(
    *,
    actor: Membership,
    item: ContentItem,
    captions: Iterable[CaptionInput | tuple[str, str] | dict] | None = None,
    topics: Iterable[Topic | int] | None = None,
    departments: Iterable[Department | int] | None = None,
    locations: Iterable[str] | None = None,
    roles: Iterable[str] | None = None,
    add_images: Sequence[File | tuple[File, str]] = (),
    remove_image_ids: Iterable[int] = (),
    **changes: Any,
) -> ContentItem:
    """Edit an item. Content edits of an approved item send it back to review when the
    organization asks for that (``ContentLibrarySettings.reapproval_on_edit``)."""
    require(actor, Capability.MANAGE_CONTENT, item.organization)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({f: [_("This field cannot be changed.")] for f in sorted(unknown)})
    item = ContentItem.objects.select_for_update().get(pk=item.pk, organization=item.organization)
    if "url" in changes:
        changes["url"] = (changes["url"] or "").strip()
    if "title" in changes:
        changes["title"] = (changes["title"] or "").strip()[:200]
    before = {f: getattr(item, f) for f in EDITABLE_FIELDS}
    after = {**before, **changes}
    check_fields(after, item.organization)
    diff: dict[str, tuple[Any, Any]] = {
        f: (before[f], after[f]) for f in EDITABLE_FIELDS if before[f] != after[f]
    }
    if captions is not None:
        cleaned = clean_captions(captions)
        old = captions_of(item)
        new = sorted((c.network, c.text) for c in cleaned)
        if sorted(old) != new:
            diff["captions"] = ([list(c) for c in old], [list(c) for c in new])
            set_captions(item, cleaned)
    if topics is not None:
        old_topics = sorted(item.topics.values_list("pk", flat=True))
        set_topics(item, topics)
        new_topics = sorted(item.topics.values_list("pk", flat=True))
        if old_topics != new_topics:
            diff["topics"] = (old_topics, new_topics)
    if departments is not None or locations is not None or roles is not None:
        old_aud = audience_of(item)
        set_audience(
            item,
            departments=departments if departments is not None else old_aud["departments"],
            locations=locations if locations is not None else old_aud["locations"],
            roles=roles if roles is not None else old_aud["roles"],
        )
        new_aud = audience_of(item)
        for key in ("departments", "locations", "roles"):
            if old_aud[key] != new_aud[key]:
                diff[key] = (old_aud[key], new_aud[key])
    removed = list(ContentImage.objects.filter(item=item, pk__in=list(remove_image_ids)))
    if removed:
        diff["images_removed"] = ([r.image.name for r in removed], [])
        for img in removed:
            img.image.delete(save=False)
            img.delete()
    if add_images:
        images_attach(item, add_images)
        diff["images_added"] = ([], [getattr(f, "name", "") for f in add_images])
    if after["kind"] == Kind.IMAGE and not ContentImage.objects.filter(item=item).exists():
        raise ValidationError({"images": [_("An image item needs at least one image.")]})
    if not diff:
        return item
    for f, value in changes.items():
        setattr(item, f, value)
    item.url_hash = url_digest(item.url)
    item.updated_at = timezone.now()
    back_to_review = False
    content_changed = any(
        f in diff for f in (*REVIEWED_FIELDS, "captions", "images_added", "images_removed")
    )
    if (
        item.status == Status.APPROVED
        and content_changed
        and library_settings_for(item.organization).reapproval_on_edit
    ):
        item.status = Status.IN_REVIEW
        item.approved_by = None
        item.approved_at = None
        back_to_review = True
    if content_changed:
        approvals_clear(item)  # reviewers approved other words
    if item.status == Status.APPROVED:
        item.feed_at = compute_feed_at(item)
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"language": [_("This item already has a variant in that language.")]}
        ) from exc
    reindex(item)
    revision_record(
        item=item,
        actor=actor,
        action="edited",
        changes=diff,
        note=_("Back to review: edited after approval.") if back_to_review else "",
    )
    audit_record(
        actor,
        "content_item.edited",
        item,
        {"fields": sorted(diff), "back_to_review": back_to_review},
    )
    if "url" in diff or "kind" in diff:
        preview_request(item)
    return item


@transaction.atomic
def content_item_set_pin(
    *, actor: Membership, item: ContentItem, pinned: bool, priority: int | None = None
) -> ContentItem:
    changes: dict[str, Any] = {"is_pinned": pinned}
    if priority is not None:
        changes["priority"] = priority
    return content_item_update(actor=actor, item=item, **changes)
