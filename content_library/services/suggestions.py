"""Employees' suggestions (a link or an original post) and their review by curators:
accepted suggestions become library items credited to their author."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.models import Membership
from advocacy.networks import Network
from advocacy.permissions import Capability

from ..models import (
    Category,
    ContentItem,
    ContentSuggestion,
    Kind,
    SuggestionKind,
    SuggestionStatus,
)
from ..signals import suggestion_accepted, suggestion_reviewed, suggestion_submitted
from ..validators import inspect_image
from .base import audit_record, require
from .item_parts import CaptionInput
from .items import EDITABLE_FIELDS, item_insert
from .review import content_item_approve


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
    require(actor, Capability.SUGGEST_CONTENT, actor.organization)
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
    audit_record(actor, "content_suggestion.submitted", suggestion, {"kind": kind})
    _on_commit_send(suggestion_submitted, suggestion)
    return suggestion


def _on_commit_send(signal: Any, suggestion: ContentSuggestion, **extra: Any) -> None:
    kwargs = {"organization_id": suggestion.organization_id, "suggestion_id": suggestion.pk}
    kwargs.update(extra)
    transaction.on_commit(lambda: signal.send(sender=ContentSuggestion, **kwargs))


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
    require(actor, Capability.APPROVE_CONTENT, suggestion.organization)
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
        name = suggestion.image.name or ""  # set: the image was just read
        images = [ContentFile(data, name=name.rsplit("/", 1)[-1])]
    item = item_insert(
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
    audit_record(actor, "content_suggestion.accepted", suggestion, {"item": item.pk})
    transaction.on_commit(
        partial(
            suggestion_accepted.send,
            sender=ContentSuggestion,
            organization_id=suggestion.organization_id,
            suggestion_id=suggestion.pk,
        ),
        robust=True,
    )
    _on_commit_send(suggestion_reviewed, suggestion, status=SuggestionStatus.ACCEPTED.value)
    if approve:
        item = content_item_approve(actor=actor, item=item)
    return item


@transaction.atomic
def suggestion_decline(
    *, actor: Membership, suggestion: ContentSuggestion, reason: str
) -> ContentSuggestion:
    require(actor, Capability.APPROVE_CONTENT, suggestion.organization)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Tell the colleague why, so they can try again.")]})
    suggestion = _pending(suggestion)
    suggestion.status = SuggestionStatus.DECLINED
    suggestion.decline_reason = reason
    suggestion.reviewed_by = actor.user
    suggestion.reviewed_at = timezone.now()
    suggestion.save(update_fields=["status", "decline_reason", "reviewed_by", "reviewed_at"])
    audit_record(actor, "content_suggestion.declined", suggestion, {"reason": reason})
    _on_commit_send(suggestion_reviewed, suggestion, status=SuggestionStatus.DECLINED.value)
    return suggestion
