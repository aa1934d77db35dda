"""The review workflow's reads: the reviewers' queue, the reviewer's word to the author,
who approved, whose item it is, and employees' suggestions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import (
    QuerySet,
)

from advocacy.models import Membership
from advocacy.permissions import Capability, has_capability

from ..models import (
    ContentItem,
    ContentItemApproval,
    ContentItemRevision,
    ContentSuggestion,
    Status,
    SuggestionStatus,
)
from .feed import with_card_data


def review_queue(*, membership: Membership, limit: int = 100) -> dict[str, list[Any]]:
    """What waits for reviewers (items in review, with the approvals given so far, and
    pending suggestions), and the viewer's own items a reviewer returned or rejected."""
    organization = membership.organization
    items = list(
        ContentItem.objects.for_org(organization)
        .filter(status=Status.IN_REVIEW)
        .select_related("created_by", "suggested_by__user")
        .prefetch_related("approvals__reviewer__user")
        .order_by("id")[:limit]
    )
    returned = list(
        ContentItem.objects.for_org(organization)
        .filter(
            status__in=(Status.CHANGES_REQUESTED, Status.REJECTED),
            created_by_id=membership.user_id,
        )
        .order_by("-updated_at", "-id")[:limit]
    )
    _attach_review_feedback(returned)
    suggestions = list(
        ContentSuggestion.objects.for_org(organization)
        .filter(status=SuggestionStatus.PENDING)
        .select_related("submitted_by__user")
        .order_by("id")[:limit]
    )
    return {"items": with_card_data(items), "returned": returned, "suggestions": suggestions}


#: Revision actions whose note is the reviewer's word to the author.
REVIEW_FEEDBACK_ACTIONS = {
    Status.CHANGES_REQUESTED: "changes_requested",
    Status.REJECTED: "rejected",
}


def _attach_review_feedback(items: Sequence[ContentItem]) -> None:
    """Set ``item.review_feedback`` (the revision carrying the reviewer's comment or
    reason) on items returned with requested changes or rejected; one query."""
    wanted = {i.pk: REVIEW_FEEDBACK_ACTIONS.get(Status(i.status)) for i in items}
    ids = [pk for pk, action in wanted.items() if action]
    latest: dict[int, ContentItemRevision] = {}
    if ids:
        rows = (
            ContentItemRevision.objects.filter(
                item_id__in=ids, action__in=set(REVIEW_FEEDBACK_ACTIONS.values())
            )
            .select_related("actor")
            .order_by("item_id", "-id")
        )
        for rev in rows:
            if rev.item_id not in latest and rev.action == wanted[rev.item_id]:
                latest[rev.item_id] = rev
    for item in items:
        item.review_feedback = latest.get(item.pk)  # type: ignore[attr-defined]


def review_feedback(*, item: ContentItem) -> ContentItemRevision | None:
    """The reviewer's comment (changes requested) or reason (rejected) that the item's
    current status comes from, for its author; ``None`` in other states."""
    _attach_review_feedback([item])
    return item.review_feedback  # type: ignore[attr-defined]


def item_author_id(item: ContentItem) -> int | None:
    """The user whose content the item is: the colleague who suggested it, else whoever
    created it (``None`` for imported entries)."""
    if item.suggested_by is not None:
        return item.suggested_by.user_id
    return item.created_by_id


def item_approvals(*, item: ContentItem) -> list[ContentItemApproval]:
    """Who approved the item as it stands (one row, or two with a second reviewer)."""
    return list(
        ContentItemApproval.objects.filter(organization_id=item.organization_id, item=item)
        .select_related("reviewer__user")
        .order_by("created_at", "id")
    )


def suggestions_of_member(*, membership: Membership, limit: int = 50) -> list[ContentSuggestion]:
    return list(
        ContentSuggestion.objects.for_org(membership.organization)
        .filter(submitted_by=membership)
        .select_related("item", "reviewed_by")
        .order_by("-id")[:limit]
    )


def suggestions_for(*, membership: Membership) -> QuerySet[ContentSuggestion]:
    """Curators see every suggestion; everyone else sees their own."""
    qs = ContentSuggestion.objects.for_org(membership.organization).select_related(
        "submitted_by__user", "reviewed_by"
    )
    if has_capability(membership, Capability.APPROVE_CONTENT):
        return qs
    return qs.filter(submitted_by=membership)
