"""The review workflow of library items.

draft -> in review -> approved, with the reviewer's alternatives: request changes (the
author sees the comment, edits and resubmits) or reject (with a reason). An organization
may require a second reviewer: two distinct reviewers must then approve. The author of an
item never approves it, whatever the setting. Approved items may be archived; archived
ones restored as drafts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.models import Membership
from advocacy.networks import Network
from advocacy.permissions import Capability

from ..models import ContentImage, ContentItem, Kind, Status
from ..selectors import caption_findings
from .base import audit_record, require, revision_record


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
    require(actor, capability, item.organization)
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
    revision_record(
        item=item, actor=actor, action=action, changes={"status": (before, to)}, note=note
    )
    audit_record(actor, f"content_item.{action}", item, {"from": before, "to": to, "note": note})
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


@transaction.atomic
def content_item_approve(*, actor: Membership, item: ContentItem) -> ContentItem:
    """Draft or in review -> approved. Refused when a caption breaks a blocking guideline."""
    from guidelines.checker import has_blocking

    require(actor, Capability.APPROVE_CONTENT, item.organization)
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
