"""Writes of the content library: the only place its business rules change state.

Every service takes the acting ``Membership`` (it carries the organization and the
role), checks the capability itself, records a ``ContentItemRevision`` for item
changes and an audit-log entry for administrative ones, and enqueues background work
with ``transaction.on_commit``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import unescape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.models import Department, Membership, Organization, Role
from advocacy.networks import MAX_CAPTION_LENGTH, Network
from advocacy.permissions import Capability, has_capability
from advocacy.services import audit_log_record

from .models import (
    AudienceDimension,
    Category,
    ContentAudience,
    ContentImage,
    ContentItem,
    ContentItemRevision,
    ContentLibrarySettings,
    ContentSuggestion,
    FeedSource,
    ItemShareMark,
    Kind,
    PreviewStatus,
    Status,
    SuggestedCaption,
    SuggestionKind,
    SuggestionStatus,
    Topic,
    url_digest,
)
from .search import refresh_search_vector, search_document
from .validators import inspect_image

log = logging.getLogger(__name__)

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
PREVIEW_MAX_BYTES = 1024 * 1024
PREVIEW_TIMEOUT = 10.0
FEED_MAX_BYTES = 5 * 1024 * 1024
FEED_TIMEOUT = 20.0
FEED_MAX_NEW_ENTRIES = 50


@dataclass(frozen=True)
class CaptionInput:
    network: str
    text: str


# --- helpers -------------------------------------------------------------------


def _require(actor: Membership, capability: Capability, organization: Organization) -> None:
    if actor is None or actor.organization_id != organization.pk:
        raise PermissionDenied(_("Your role does not allow this."))
    if not has_capability(actor, capability):
        raise PermissionDenied(_("Your role does not allow this."))


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value


def _revision(
    *,
    item: ContentItem,
    actor: Membership | None,
    action: str,
    changes: dict | None = None,
    note: str = "",
) -> ContentItemRevision:
    return ContentItemRevision.objects.create(
        organization_id=item.organization_id,
        item=item,
        actor=actor.user if actor is not None else None,
        action=action,
        changes={k: [_json(b), _json(a)] for k, (b, a) in (changes or {}).items()},
        note=note[:500],
    )


def _audit(actor: Membership | None, action: str, target: Any, data: dict | None = None) -> None:
    audit_log_record(
        organization=target.organization,
        actor=actor.user if actor is not None else None,
        action=action,
        target=target,
        data=data or {},
    )


def library_settings_for(organization: Organization) -> ContentLibrarySettings:
    row = ContentLibrarySettings.objects.filter(organization=organization).first()
    if row is None:
        row, _created = ContentLibrarySettings.objects.get_or_create(
            organization=organization,
            defaults={"reapproval_on_edit": settings.CONTENT_REAPPROVAL_ON_EDIT_DEFAULT},
        )
    return row


def _clean_captions(
    captions: Iterable[CaptionInput | tuple[str, str] | dict],
) -> list[CaptionInput]:
    cleaned: list[CaptionInput] = []
    errors: list[str] = []
    for raw in captions:
        if isinstance(raw, dict):
            c = CaptionInput(network=str(raw.get("network", "")), text=str(raw.get("text", "")))
        elif isinstance(raw, tuple):
            c = CaptionInput(network=raw[0], text=raw[1])
        else:
            c = raw
        text = c.text.strip()
        if not text:
            continue
        if c.network not in Network.values:
            errors.append(_("Unknown network “%(network)s”.") % {"network": c.network})
            continue
        limit = MAX_CAPTION_LENGTH.get(c.network)
        if limit and len(text) > limit:
            errors.append(
                _(
                    "A %(network)s caption may have at most %(limit)d characters (this one has %(n)d)."
                )
                % {"network": Network(c.network).label, "limit": limit, "n": len(text)}
            )
            continue
        cleaned.append(CaptionInput(network=c.network, text=text))
    if errors:
        raise ValidationError({"captions": errors})
    return cleaned


def _check_fields(data: dict[str, Any], organization: Organization) -> None:
    errors: dict[str, list[str]] = {}
    kind = data.get("kind")
    if kind not in Kind.values:
        errors.setdefault("kind", []).append(_("Choose a kind."))
    if not (data.get("title") or "").strip():
        errors.setdefault("title", []).append(_("Give the item a title."))
    if kind in (Kind.LINK, Kind.VIDEO) and not (data.get("url") or "").strip():
        errors.setdefault("url", []).append(_("A link or video item needs its address."))
    url = (data.get("url") or "").strip()
    if url and not re.match(r"^https?://", url, re.IGNORECASE):
        errors.setdefault("url", []).append(_("Use an http:// or https:// address."))
    if data.get("category") not in Category.values:
        errors.setdefault("category", []).append(_("Choose a category."))
    if data.get("language") not in dict(settings.LANGUAGES):
        errors.setdefault("language", []).append(_("Choose a language."))
    publish_at, expires_at = data.get("publish_at"), data.get("expires_at")
    if publish_at and expires_at and expires_at <= publish_at:
        errors.setdefault("expires_at", []).append(_("The item must expire after it is published."))
    if errors:
        raise ValidationError(errors)


def _set_captions(item: ContentItem, captions: list[CaptionInput]) -> None:
    SuggestedCaption.objects.filter(item=item).delete()
    positions: dict[str, int] = {}
    rows = []
    for c in captions:
        pos = positions.get(c.network, 0)
        positions[c.network] = pos + 1
        rows.append(
            SuggestedCaption(
                organization_id=item.organization_id,
                item=item,
                network=c.network,
                text=c.text,
                position=pos,
            )
        )
    SuggestedCaption.objects.bulk_create(rows)


def _captions_of(item: ContentItem) -> list[tuple[str, str]]:
    return list(
        SuggestedCaption.objects.filter(item=item)
        .order_by("network", "position", "id")
        .values_list("network", "text")
    )


def _set_topics(item: ContentItem, topics: Iterable[Topic | int]) -> None:
    ids = [t.pk if isinstance(t, Topic) else int(t) for t in topics]
    found = list(Topic.objects.for_org(item.organization).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"topics": [_("Choose topics of this organization.")]})
    item.topics.set(found)


def _set_audience(
    item: ContentItem,
    *,
    departments: Iterable[Department | int],
    locations: Iterable[str],
    roles: Iterable[str],
) -> None:
    dept_ids = {d.pk if isinstance(d, Department) else int(d) for d in departments}
    depts = list(Department.objects.for_org(item.organization).filter(pk__in=dept_ids))
    if len(depts) != len(dept_ids):
        raise ValidationError({"departments": [_("Choose departments of this organization.")]})
    locs = sorted({loc.strip()[:120] for loc in locations if loc and loc.strip()})
    role_values = sorted({r for r in roles if r})
    bad_roles = [r for r in role_values if r not in Role.values]
    if bad_roles:
        raise ValidationError({"roles": [_("Unknown role “%(role)s”.") % {"role": bad_roles[0]}]})
    item.target_departments.set(depts)
    ContentAudience.objects.filter(item=item).delete()
    ContentAudience.objects.bulk_create(
        [
            ContentAudience(organization_id=item.organization_id, item=item, dimension=dim, value=v)
            for dim, values in (
                (AudienceDimension.LOCATION, locs),
                (AudienceDimension.ROLE, role_values),
            )
            for v in values
        ]
    )
    item.targets_departments = bool(depts)
    item.targets_locations = bool(locs)
    item.targets_roles = bool(role_values)
    ContentItem.objects.filter(pk=item.pk).update(
        targets_departments=item.targets_departments,
        targets_locations=item.targets_locations,
        targets_roles=item.targets_roles,
    )


def audience_of(item: ContentItem) -> dict[str, list[Any]]:
    rows = list(ContentAudience.objects.filter(item=item).values_list("dimension", "value"))
    return {
        "departments": sorted(item.target_departments.values_list("pk", flat=True)),
        "locations": sorted(v for d, v in rows if d == AudienceDimension.LOCATION),
        "roles": sorted(v for d, v in rows if d == AudienceDimension.ROLE),
    }


def _add_images(
    item: ContentItem, images: Sequence[UploadedFile | tuple[UploadedFile, str]]
) -> int:
    start = ContentImage.objects.filter(item=item).count()
    for n, entry in enumerate(images):
        upload, alt = entry if isinstance(entry, tuple) else (entry, "")
        try:
            _fmt, width, height = inspect_image(upload)
        except ValidationError as exc:
            raise ValidationError({"images": exc.messages}) from exc
        ContentImage.objects.create(
            organization_id=item.organization_id,
            item=item,
            image=upload,
            alt_text=(alt or "")[:300],
            width=width,
            height=height,
            position=start + n,
        )
    return len(images)


def _reindex(item: ContentItem) -> None:
    captions = [t for _n, t in _captions_of(item)]
    item.search_text = search_document(item, captions)
    ContentItem.objects.filter(pk=item.pk).update(search_text=item.search_text)
    refresh_search_vector(item)


def _compute_feed_at(item: ContentItem) -> datetime | None:
    if item.status != Status.APPROVED:
        return item.feed_at
    return item.publish_at or item.approved_at or timezone.now()


def _request_preview(item: ContentItem) -> None:
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
        from .tasks import content_item_fetch_preview

        content_item_fetch_preview.delay(item_id, org_id)

    transaction.on_commit(enqueue)


def _check_transition(item: ContentItem, allowed_from: Iterable[str], verb: str) -> None:
    if item.status not in allowed_from:
        raise ValidationError(
            {
                "status": [
                    _("A %(status)s item cannot be %(verb)s.")
                    % {"status": item.get_status_display().lower(), "verb": verb}
                ]
            }
        )


# --- items -----------------------------------------------------------------------


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
    images: Sequence[UploadedFile | tuple[UploadedFile, str]] = (),
    translation_of: ContentItem | None = None,
    suggested_by: Membership | None = None,
) -> ContentItem:
    """A new draft in the library."""
    organization = actor.organization
    _require(actor, Capability.MANAGE_CONTENT, organization)
    return _item_insert(
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


def _item_insert(
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
    fields = {**fields, "title": (fields.get("title") or "").strip()[:200]}
    fields["url"] = (fields.get("url") or "").strip()
    _check_fields(fields, organization)
    cleaned = _clean_captions(captions)
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
    _set_captions(item, cleaned)
    _set_topics(item, topics)
    _set_audience(item, departments=departments, locations=locations, roles=roles)
    _add_images(item, images)
    _reindex(item)
    _revision(item=item, actor=actor, action=action)
    if actor is not None:
        _audit(actor, "content_item.created", item, {"title": item.title})
    _request_preview(item)
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
    add_images: Sequence[UploadedFile | tuple[UploadedFile, str]] = (),
    remove_image_ids: Iterable[int] = (),
    **changes: Any,
) -> ContentItem:
    """Edit an item. Content edits of an approved item send it back to review when the
    organization asks for that (``ContentLibrarySettings.reapproval_on_edit``)."""
    _require(actor, Capability.MANAGE_CONTENT, item.organization)
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
    _check_fields(after, item.organization)
    diff: dict[str, tuple[Any, Any]] = {
        f: (before[f], after[f]) for f in EDITABLE_FIELDS if before[f] != after[f]
    }
    if captions is not None:
        cleaned = _clean_captions(captions)
        old = _captions_of(item)
        new = sorted((c.network, c.text) for c in cleaned)
        if sorted(old) != new:
            diff["captions"] = ([list(c) for c in old], [list(c) for c in new])
            _set_captions(item, cleaned)
    if topics is not None:
        old_topics = sorted(item.topics.values_list("pk", flat=True))
        _set_topics(item, topics)
        new_topics = sorted(item.topics.values_list("pk", flat=True))
        if old_topics != new_topics:
            diff["topics"] = (old_topics, new_topics)
    if departments is not None or locations is not None or roles is not None:
        old_aud = audience_of(item)
        _set_audience(
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
        _add_images(item, add_images)
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
    if item.status == Status.APPROVED:
        item.feed_at = _compute_feed_at(item)
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"language": [_("This item already has a variant in that language.")]}
        ) from exc
    _reindex(item)
    _revision(
        item=item,
        actor=actor,
        action="edited",
        changes=diff,
        note=_("Back to review: edited after approval.") if back_to_review else "",
    )
    _audit(
        actor,
        "content_item.edited",
        item,
        {"fields": sorted(diff), "back_to_review": back_to_review},
    )
    if "url" in diff or "kind" in diff:
        _request_preview(item)
    return item


def _transition(
    *,
    actor: Membership,
    item: ContentItem,
    capability: Capability,
    allowed_from: Iterable[str],
    to: str,
    verb: str,
    action: str,
    note: str = "",
    extra: dict[str, Any] | None = None,
) -> ContentItem:
    _require(actor, capability, item.organization)
    item = ContentItem.objects.select_for_update().get(pk=item.pk, organization=item.organization)
    _check_transition(item, allowed_from, verb)
    before = item.status
    item.status = to
    for key, value in (extra or {}).items():
        setattr(item, key, value)
    item.updated_at = timezone.now()
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"language": [_("Another variant in this language is already in the library.")]}
        ) from exc
    _revision(item=item, actor=actor, action=action, changes={"status": (before, to)}, note=note)
    _audit(actor, f"content_item.{action}", item, {"from": before, "to": to, "note": note})
    return item


@transaction.atomic
def content_item_submit(*, actor: Membership, item: ContentItem) -> ContentItem:
    """Draft -> in review."""
    return _transition(
        actor=actor,
        item=item,
        capability=Capability.MANAGE_CONTENT,
        allowed_from=(Status.DRAFT,),
        to=Status.IN_REVIEW,
        verb=_("submitted for review"),
        action="submitted",
    )


def caption_findings(item: ContentItem) -> list[tuple[SuggestedCaption, list[Any]]]:
    """Guideline findings for every suggested caption (``guidelines.checker``)."""
    from guidelines.checker import check_caption

    result = []
    for caption in SuggestedCaption.objects.filter(item=item).order_by("network", "position"):
        result.append(
            (caption, list(check_caption(item.organization, caption.network, caption.text)))
        )
    return result


@transaction.atomic
def content_item_approve(*, actor: Membership, item: ContentItem) -> ContentItem:
    """Draft or in review -> approved. Refused when a caption breaks a blocking guideline."""
    from guidelines.checker import has_blocking

    _require(actor, Capability.APPROVE_CONTENT, item.organization)
    _check_transition(item, (Status.DRAFT, Status.IN_REVIEW), _("approved"))
    errors: list[str] = []
    for caption, findings in caption_findings(item):
        if has_blocking(findings):
            blocking = [f for f in findings if getattr(f, "severity", "") == "block"]
            errors.append(
                _("%(network)s caption %(n)d (“%(text)s”): %(message)s")
                % {
                    "network": Network(caption.network).label,
                    "n": caption.position + 1,
                    "text": caption.text[:60],
                    "message": "; ".join(str(f.message) for f in blocking),
                }
            )
    if errors:
        raise ValidationError({"captions": errors})
    if item.kind in (Kind.LINK, Kind.VIDEO) and not item.url:
        raise ValidationError({"url": [_("A link or video item needs its address.")]})
    if item.kind == Kind.IMAGE and not ContentImage.objects.filter(item=item).exists():
        raise ValidationError({"images": [_("An image item needs at least one image.")]})
    now = timezone.now()
    return _transition(
        actor=actor,
        item=item,
        capability=Capability.APPROVE_CONTENT,
        allowed_from=(Status.DRAFT, Status.IN_REVIEW),
        to=Status.APPROVED,
        verb=_("approved"),
        action="approved",
        extra={"approved_by": actor.user, "approved_at": now, "feed_at": item.publish_at or now},
    )


@transaction.atomic
def content_item_return_to_draft(
    *, actor: Membership, item: ContentItem, reason: str = ""
) -> ContentItem:
    """In review -> draft, with the reviewer's reason in the history."""
    return _transition(
        actor=actor,
        item=item,
        capability=Capability.APPROVE_CONTENT,
        allowed_from=(Status.IN_REVIEW,),
        to=Status.DRAFT,
        verb=_("sent back to draft"),
        action="returned",
        note=reason.strip(),
    )


@transaction.atomic
def content_item_archive(*, actor: Membership, item: ContentItem) -> ContentItem:
    return _transition(
        actor=actor,
        item=item,
        capability=Capability.APPROVE_CONTENT,
        allowed_from=(Status.DRAFT, Status.IN_REVIEW, Status.APPROVED),
        to=Status.ARCHIVED,
        verb=_("archived"),
        action="archived",
        extra={"is_pinned": False},
    )


@transaction.atomic
def content_item_restore(*, actor: Membership, item: ContentItem) -> ContentItem:
    """Archived -> draft (it needs approval again)."""
    return _transition(
        actor=actor,
        item=item,
        capability=Capability.MANAGE_CONTENT,
        allowed_from=(Status.ARCHIVED,),
        to=Status.DRAFT,
        verb=_("restored"),
        action="restored",
        extra={"approved_by": None, "approved_at": None},
    )


@transaction.atomic
def content_item_set_pin(
    *, actor: Membership, item: ContentItem, pinned: bool, priority: int | None = None
) -> ContentItem:
    changes: dict[str, Any] = {"is_pinned": pinned}
    if priority is not None:
        changes["priority"] = priority
    return content_item_update(actor=actor, item=item, **changes)


def content_item_request_preview(*, actor: Membership, item: ContentItem) -> ContentItem:
    """Fetch the link preview again (after a failure, or when the page changed)."""
    _require(actor, Capability.MANAGE_CONTENT, item.organization)
    with transaction.atomic():
        _request_preview(item)
    return item


# --- link previews -----------------------------------------------------------------


class _MetaParser(HTMLParser):
    """Collects <meta property/name=…> and <title> from the head of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or "").strip().lower()
            if key and "content" in a and key not in self.meta:
                self.meta[key] = a["content"].strip()
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title and len(self.title) < 300:
            self.title += data


@dataclass
class LinkPreview:
    title: str
    description: str
    image_url: str
    site_name: str


def parse_link_preview(html: str, base_url: str) -> LinkPreview:
    """OpenGraph first, then Twitter cards, then plain HTML."""
    parser = _MetaParser()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # a broken page still yields what was parsed so far
        log.info("link preview: HTML parse stopped early for %s", base_url)
    m = parser.meta

    def first(*keys: str) -> str:
        for k in keys:
            if m.get(k):
                return unescape(m[k]).strip()
        return ""

    image = first(
        "og:image:secure_url", "og:image", "og:image:url", "twitter:image", "twitter:image:src"
    )
    if image:
        image = urljoin(base_url, image)
        if not image.lower().startswith(("http://", "https://")):
            image = ""
    return LinkPreview(
        title=first("og:title", "twitter:title") or " ".join(parser.title.split()),
        description=first("og:description", "twitter:description", "description"),
        image_url=image[:2000],
        site_name=first("og:site_name"),
    )


def content_item_preview_refresh(*, item: ContentItem) -> ContentItem:
    """Fetch the page behind a link item and store its preview; a failure is recorded,
    never raised: the item stays usable and the library shows why."""
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
    _reindex(item)
    return item


class _NotHtml(Exception):
    pass


# --- share marks (written by the sharing app) -----------------------------------------


@transaction.atomic
def item_share_mark_record(
    *,
    item: ContentItem,
    membership: Membership,
    network: str | None = None,
    at: datetime | None = None,
) -> ItemShareMark:
    """Note that ``membership`` shared ``item`` (call when a share is published).

    Correct by construction: ``share_count`` grows by one exactly when the unique
    (item, member) row is created, in the same transaction; repeated shares only bump
    ``times``.
    """
    if membership.organization_id != item.organization_id:
        raise ValidationError({"item": [_("Choose an item of this organization.")]})
    at = at or timezone.now()
    try:
        with transaction.atomic():
            mark = ItemShareMark.objects.create(
                organization_id=item.organization_id,
                item=item,
                membership=membership,
                first_shared_at=at,
                last_shared_at=at,
                networks=[network] if network else [],
            )
    except IntegrityError:
        mark = ItemShareMark.objects.select_for_update().get(item=item, membership=membership)
        mark.times = F("times") + 1
        mark.last_shared_at = max(at, mark.last_shared_at)
        if network and network not in mark.networks:
            mark.networks = [*mark.networks, network]
        mark.save(update_fields=["times", "last_shared_at", "networks"])
        mark.refresh_from_db()
        return mark
    ContentItem.objects.filter(pk=item.pk).update(share_count=F("share_count") + 1)
    return mark


@transaction.atomic
def item_share_mark_forget(*, item: ContentItem, membership: Membership) -> bool:
    """Undo a member's mark (their only share was deleted); keeps share_count exact."""
    deleted, _rows = ItemShareMark.objects.filter(item=item, membership=membership).delete()
    if deleted:
        ContentItem.objects.filter(pk=item.pk, share_count__gt=0).update(
            share_count=F("share_count") - 1
        )
    return bool(deleted)


# --- topics ------------------------------------------------------------------------


def topic_create(*, actor: Membership, name: str) -> Topic:
    _require(actor, Capability.MANAGE_CONTENT, actor.organization)
    name = " ".join((name or "").split())[:80]
    if not name:
        raise ValidationError({"name": [_("Give the topic a name.")]})
    if Topic.objects.for_org(actor.organization).filter(name__iexact=name).exists():
        raise ValidationError({"name": [_("That topic already exists.")]})
    topic = Topic.objects.create(organization=actor.organization, name=name)
    _audit(actor, "topic.created", topic, {"name": name})
    return topic


def topic_delete(*, actor: Membership, topic: Topic) -> None:
    _require(actor, Capability.MANAGE_CONTENT, topic.organization)
    _audit(actor, "topic.deleted", topic, {"name": topic.name})
    topic.delete()


# --- library settings ------------------------------------------------------------------


def library_settings_update(
    *, actor: Membership, reapproval_on_edit: bool
) -> ContentLibrarySettings:
    _require(actor, Capability.APPROVE_CONTENT, actor.organization)
    row = library_settings_for(actor.organization)
    if row.reapproval_on_edit != reapproval_on_edit:
        row.reapproval_on_edit = reapproval_on_edit
        row.save(update_fields=["reapproval_on_edit"])
        _audit(actor, "content_settings.changed", row, {"reapproval_on_edit": reapproval_on_edit})
    return row


# --- employee suggestions -----------------------------------------------------------------


@transaction.atomic
def suggestion_submit(
    *,
    actor: Membership,
    kind: str,
    url: str = "",
    title: str = "",
    text: str = "",
    note: str = "",
    image: UploadedFile | None = None,
) -> ContentSuggestion:
    _require(actor, Capability.SUGGEST_CONTENT, actor.organization)
    url = (url or "").strip()
    errors: dict[str, list[str]] = {}
    if kind not in SuggestionKind.values:
        errors["kind"] = [_("Choose a link or an original post.")]
    if kind == SuggestionKind.LINK and not url:
        errors["url"] = [_("Paste the link you suggest.")]
    if url and not re.match(r"^https?://", url, re.IGNORECASE):
        errors["url"] = [_("Use an http:// or https:// address.")]
    if kind == SuggestionKind.POST and not (text or "").strip():
        errors["text"] = [_("Write the post you suggest.")]
    if image is not None:
        try:
            inspect_image(image)
        except ValidationError as exc:
            errors["image"] = exc.messages
    if errors:
        raise ValidationError(errors)
    suggestion = ContentSuggestion.objects.create(
        organization=actor.organization,
        submitted_by=actor,
        kind=kind,
        url=url,
        title=(title or "").strip()[:200],
        text=(text or "").strip(),
        note=(note or "").strip(),
        image=image or "",
    )
    _audit(actor, "content_suggestion.submitted", suggestion, {"kind": kind})
    return suggestion


def _pending(suggestion: ContentSuggestion) -> ContentSuggestion:
    locked = ContentSuggestion.objects.select_for_update().get(
        pk=suggestion.pk, organization=suggestion.organization
    )
    if locked.status != SuggestionStatus.PENDING:
        raise ValidationError({"status": [_("This suggestion was already reviewed.")]})
    return locked


@transaction.atomic
def suggestion_accept(
    *,
    actor: Membership,
    suggestion: ContentSuggestion,
    approve: bool = False,
    **item_fields: Any,
) -> ContentItem:
    """Turn a suggestion into a library item credited to its author; the curator may
    edit any item field on the way (``title``, ``body``, ``captions``, ``category`` …)."""
    _require(actor, Capability.APPROVE_CONTENT, suggestion.organization)
    suggestion = _pending(suggestion)
    is_link = suggestion.kind == SuggestionKind.LINK
    has_image = bool(suggestion.image)
    default_kind = Kind.LINK if is_link else (Kind.IMAGE if has_image else Kind.TEXT)
    fields: dict[str, Any] = {
        "title": suggestion.title or suggestion.url or suggestion.text[:80],
        "kind": default_kind,
        "body": suggestion.text,
        "url": suggestion.url,
        "category": Category.CULTURE if not is_link else Category.INDUSTRY,
        "language": suggestion.submitted_by.content_language,
        "is_company_content": not is_link,
    }
    fields.update({k: v for k, v in item_fields.items() if k in EDITABLE_FIELDS})
    captions = item_fields.get("captions")
    if captions is None and suggestion.kind == SuggestionKind.POST and suggestion.text:
        captions = [CaptionInput(network=Network.LINKEDIN, text=suggestion.text)]
    images: list[Any] = []
    if has_image:
        from django.core.files.base import ContentFile

        suggestion.image.open("rb")
        try:
            data = suggestion.image.read()
        finally:
            suggestion.image.close()
        images = [ContentFile(data, name=suggestion.image.name.rsplit("/", 1)[-1])]
    item = _item_insert(
        organization=suggestion.organization,
        actor=actor,
        action="created_from_suggestion",
        fields=fields,
        captions=captions or (),
        topics=item_fields.get("topics") or (),
        departments=item_fields.get("departments") or (),
        locations=item_fields.get("locations") or (),
        roles=item_fields.get("roles") or (),
        images=images if fields["kind"] == Kind.IMAGE or images else (),
        suggested_by=suggestion.submitted_by,
    )
    suggestion.status = SuggestionStatus.ACCEPTED
    suggestion.reviewed_by = actor.user
    suggestion.reviewed_at = timezone.now()
    suggestion.item = item
    suggestion.save(update_fields=["status", "reviewed_by", "reviewed_at", "item"])
    _audit(actor, "content_suggestion.accepted", suggestion, {"item": item.pk})
    if approve:
        item = content_item_approve(actor=actor, item=item)
    return item


@transaction.atomic
def suggestion_decline(
    *, actor: Membership, suggestion: ContentSuggestion, reason: str
) -> ContentSuggestion:
    _require(actor, Capability.APPROVE_CONTENT, suggestion.organization)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Tell the colleague why, so they can try again.")]})
    suggestion = _pending(suggestion)
    suggestion.status = SuggestionStatus.DECLINED
    suggestion.decline_reason = reason
    suggestion.reviewed_by = actor.user
    suggestion.reviewed_at = timezone.now()
    suggestion.save(update_fields=["status", "decline_reason", "reviewed_by", "reviewed_at"])
    _audit(actor, "content_suggestion.declined", suggestion, {"reason": reason})
    return suggestion


# --- RSS/Atom sources ---------------------------------------------------------------------


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
    _require(actor, Capability.MANAGE_CONTENT, actor.organization)
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
    _audit(actor, "feed_source.created", source, {"url": url})
    if not is_paused:
        _enqueue_import(source)
    return source


@transaction.atomic
def feed_source_update(*, actor: Membership, source: FeedSource, **changes: Any) -> FeedSource:
    _require(actor, Capability.MANAGE_CONTENT, source.organization)
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
    _audit(actor, "feed_source.changed", source, {"fields": sorted(changes)})
    return source


@transaction.atomic
def feed_source_delete(*, actor: Membership, source: FeedSource) -> None:
    _require(actor, Capability.MANAGE_CONTENT, source.organization)
    _audit(actor, "feed_source.deleted", source, {"url": source.url})
    source.delete()


def feed_source_request_import(*, actor: Membership, source: FeedSource) -> None:
    _require(actor, Capability.MANAGE_CONTENT, source.organization)
    with transaction.atomic():
        _enqueue_import(source)


def _enqueue_import(source: FeedSource) -> None:
    source_id, org_id = source.pk, source.organization_id

    def enqueue() -> None:
        from .tasks import feed_source_import as task

        task.delay(source_id, org_id)

    transaction.on_commit(enqueue)


def _plain_text(html: str) -> str:
    import nh3

    text = nh3.clean(html or "", tags=set())
    return " ".join(unescape(text).split())


def feed_source_import(*, source: FeedSource) -> int:
    """Fetch the feed and add its new entries as drafts (deduplicated by URL in the
    organization). Returns how many were added; a failure is recorded on the source."""
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
                _item_insert(
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
