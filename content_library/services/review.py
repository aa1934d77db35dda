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

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advocacy.models import Membership
from advocacy.networks import Network
from advocacy.permissions import Capability

from ..models import ContentImage, ContentItem, ContentItemApproval, Kind, Status
from ..selectors.library import caption_findings
from ..selectors.review import item_author_id
from .base import audit_record, require, revision_record
from .library_settings import library_settings_for

#: Why a transition is refused, one whole sentence per action (translators need the
#: sentence, not a verb slotted into it).
_REFUSED = {
    "submitted": gettext_lazy("A %(status)s item cannot be submitted for review."),
    "approved": gettext_lazy("A %(status)s item cannot be approved."),
    "changes_requested": gettext_lazy(
        "A %(status)s item cannot be returned with requested changes."
    ),
    "rejected": gettext_lazy("A %(status)s item cannot be rejected."),
    "returned": gettext_lazy("A %(status)s item cannot be sent back to draft."),
    "archived": gettext_lazy("A %(status)s item cannot be archived."),
    "restored": gettext_lazy("A %(status)s item cannot be restored."),
}


def _check_transition(item: ContentItem, allowed_from: Iterable[str], action: str) -> None:
    if item.status not in allowed_from:
        raise ValidationError(
            {"status": [_REFUSED[action] % {"status": item.get_status_display().lower()}]}
        )


def _locked(item: ContentItem) -> ContentItem:
    """The item's row, locked until the transaction ends: concurrent reviews of one item
    run one after the other, each seeing what the previous one wrote."""
    return (
        ContentItem.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=item.pk, organization=item.organization)
    )


def approvals_clear(item: ContentItem) -> int:
    """Forget the approvals given so far: the item changed, or left the review."""
    deleted, _rows = ContentItemApproval.objects.filter(
        item=item, organization_id=item.organization_id
    ).delete()
    return deleted


def _transition(
    *,
    actor: Membership,
    item: ContentItem,
    capability: Capability,
    allowed_from: Iterable[str],
    to: str,
    action: str,
    note: str = "",
    extra: dict[str, Any] | None = None,
) -> ContentItem:
    require(actor, capability, item.organization)
    item = _locked(item)
    _check_transition(item, allowed_from, action)
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
    if to != Status.APPROVED:
        approvals_clear(item)
    revision_record(
        item=item, actor=actor, action=action, changes={"status": (before, to)}, note=note
    )
    audit_record(actor, f"content_item.{action}", item, {"from": before, "to": to, "note": note})
    _status_changed_on_commit(item, actor, before, to)
    return item


def _status_changed_on_commit(item: ContentItem, actor: Membership, before: str, to: str) -> None:
    from ..signals import item_status_changed

    kwargs = {
        "organization_id": item.organization_id,
        "item_id": item.pk,
        "from_status": before,
        "to_status": to,
        "actor_id": actor.pk,
    }
    transaction.on_commit(lambda: item_status_changed.send(sender=ContentItem, **kwargs))


@transaction.atomic
def content_item_submit(*, actor: Membership, item: ContentItem) -> ContentItem:
    """Draft, or returned with requested changes -> in review."""
    return _transition(
        actor=actor,
        item=item,
        capability=Capability.MANAGE_CONTENT,
        allowed_from=(Status.DRAFT, Status.CHANGES_REQUESTED),
        to=Status.IN_REVIEW,
        action="submitted",
    )


def _check_approvable(item: ContentItem) -> None:
    from guidelines.checker import has_blocking

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


@transaction.atomic
def content_item_approve(*, actor: Membership, item: ContentItem) -> ContentItem:
    """Draft or in review -> approved. Refused to the item's author, and when a caption
    breaks a blocking guideline. When the organization requires a second reviewer, the
    first approval keeps the item in review and the second distinct reviewer approves it;
    the item's row is locked meanwhile, so simultaneous approvals count once each."""
    require(actor, Capability.APPROVE_CONTENT, item.organization)
    item = _locked(item)
    _check_transition(item, (Status.DRAFT, Status.IN_REVIEW), "approved")
    _check_approvable(item)
    if item_author_id(item) == actor.user_id:
        raise PermissionDenied(_("You wrote this item: another reviewer must approve it."))
    approvals = ContentItemApproval.objects.filter(item=item)
    if approvals.filter(reviewer=actor).exists():
        raise ValidationError(
            {"status": [_("You have already approved this item; a second reviewer must too.")]}
        )
    ContentItemApproval.objects.create(
        organization_id=item.organization_id, item=item, reviewer=actor
    )
    second = library_settings_for(item.organization).require_second_reviewer
    if second and approvals.count() < 2:
        before = item.status
        item.status = Status.IN_REVIEW
        item.updated_at = timezone.now()
        item.save(update_fields=["status", "updated_at"])
        revision_record(
            item=item,
            actor=actor,
            action="first_approval",
            changes={"status": (before, item.status)} if before != item.status else None,
            note=_("Waiting for a second reviewer."),
        )
        audit_record(actor, "content_item.first_approval", item, {"from": before})
        return item
    now = timezone.now()
    return _transition(
        actor=actor,
        item=item,
        capability=Capability.APPROVE_CONTENT,
        allowed_from=(Status.DRAFT, Status.IN_REVIEW),
        to=Status.APPROVED,
        action="approved",
        extra={"approved_by": actor.user, "approved_at": now, "feed_at": item.publish_at or now},
    )


def _required_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    return value[:500]


@transaction.atomic
def content_item_request_changes(
    *, actor: Membership, item: ContentItem, comment: str
) -> ContentItem:
    """In review -> changes requested: back to its author with the reviewer's comment,
    which the author sees on the item; they edit it and submit it again."""
    require(actor, Capability.APPROVE_CONTENT, item.organization)
    comment = _required_text(
        comment, "comment", _("Tell the author what to change, so they can fix it.")
    )
    return _transition(
        actor=actor,
        item=item,
        capability=Capability.APPROVE_CONTENT,
        allowed_from=(Status.IN_REVIEW,),
        to=Status.CHANGES_REQUESTED,
        action="changes_requested",
        note=comment,
    )


@transaction.atomic
def content_item_reject(*, actor: Membership, item: ContentItem, reason: str) -> ContentItem:
    """Draft, in review or changes requested -> rejected, with a reason the author sees.
    A rejected item is not submitted again (it may be archived)."""
    require(actor, Capability.APPROVE_CONTENT, item.organization)
    reason = _required_text(reason, "reason", _("Tell the author why the item is rejected."))
    return _transition(
        actor=actor,
        item=item,
        capability=Capability.APPROVE_CONTENT,
        allowed_from=(Status.DRAFT, Status.IN_REVIEW, Status.CHANGES_REQUESTED),
        to=Status.REJECTED,
        action="rejected",
        note=reason,
        extra={"is_pinned": False},
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
        action="returned",
        note=reason.strip(),
    )


@transaction.atomic
def content_item_archive(*, actor: Membership, item: ContentItem) -> ContentItem:
    return _transition(
        actor=actor,
        item=item,
        capability=Capability.APPROVE_CONTENT,
        allowed_from=(
            Status.DRAFT,
            Status.IN_REVIEW,
            Status.CHANGES_REQUESTED,
            Status.APPROVED,
            Status.REJECTED,
        ),
        to=Status.ARCHIVED,
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
        action="restored",
        extra={"approved_by": None, "approved_at": None},
    )
