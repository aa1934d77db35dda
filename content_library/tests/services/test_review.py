"""The review workflow (content_library/services/review.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from advocacy.models import AuditLogEntry
from content_library.models import (
    ContentItemRevision,
    Kind,
    Status,
)
from content_library.services.items import (
    content_item_create,
)
from content_library.services.review import (
    content_item_approve,
    content_item_archive,
    content_item_restore,
    content_item_return_to_draft,
    content_item_submit,
)


def m(tenant, role):
    return tenant.members[role]


def make_item(world, **kw):
    kw.setdefault("title", "Our new office in Vilnius")
    kw.setdefault("kind", Kind.TEXT)
    kw.setdefault(
        "captions",
        [
            ("linkedin", "We moved! #acme"),
            ("linkedin", "New home for our team #acme"),
            ("x", "New office!"),
        ],
    )
    return content_item_create(actor=m(world.a, "manager"), **kw)


def test_lifecycle_draft_review_approved_archived(world):
    item = make_item(world)
    assert item.status == Status.DRAFT and item.created_by == world.a.user("manager")
    item = content_item_submit(actor=m(world.a, "manager"), item=item)
    assert item.status == Status.IN_REVIEW
    item = content_item_approve(actor=m(world.a, "admin"), item=item)
    assert item.status == Status.APPROVED
    assert item.approved_by == world.a.admin and item.feed_at is not None
    item = content_item_archive(actor=m(world.a, "manager"), item=item)
    assert item.status == Status.ARCHIVED
    with pytest.raises(ValidationError):
        content_item_approve(actor=m(world.a, "manager"), item=item)
    item = content_item_restore(actor=m(world.a, "manager"), item=item)
    assert item.status == Status.DRAFT and item.approved_by is None
    actions = list(
        ContentItemRevision.objects.filter(item=item)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["created", "submitted", "approved", "archived", "restored"]
    assert AuditLogEntry.objects.filter(
        organization=world.a.org, action="content_item.approved"
    ).exists()


@pytest.mark.parametrize("role", ["employee", "hr"])
def test_employees_and_hr_may_not_create_or_approve(world, role):
    with pytest.raises(PermissionDenied):
        content_item_create(actor=m(world.a, role), title="x", kind=Kind.TEXT)
    item = make_item(world)
    with pytest.raises(PermissionDenied):
        content_item_approve(actor=m(world.a, role), item=item)
    with pytest.raises(PermissionDenied):
        content_item_archive(actor=m(world.a, role), item=item)


def test_actor_from_another_tenant_is_refused(world):
    item = make_item(world)
    with pytest.raises(PermissionDenied):
        content_item_approve(actor=m(world.b, "admin"), item=item)


def test_return_to_draft_needs_review_state_and_keeps_reason(world):
    item = make_item(world)
    with pytest.raises(ValidationError):
        content_item_return_to_draft(actor=m(world.a, "manager"), item=item, reason="x")
    content_item_submit(actor=m(world.a, "manager"), item=item)
    item = content_item_return_to_draft(
        actor=m(world.a, "manager"), item=item, reason="Fix the title"
    )
    assert item.status == Status.DRAFT
    assert ContentItemRevision.objects.filter(
        item=item, action="returned", note="Fix the title"
    ).exists()


def test_approval_refuses_blocking_caption_and_names_it(world):
    from guidelines.services import guideline_rule_create

    guideline_rule_create(
        actor=world.a.members["admin"],
        kind="banned_term",
        pattern="guaranteed returns",
        severity="block",
        message="No promises about returns.",
    )
    item = make_item(
        world, captions=[("linkedin", "Fine words"), ("x", "Guaranteed returns for all!")]
    )
    with pytest.raises(ValidationError) as exc:
        content_item_approve(actor=m(world.a, "manager"), item=item)
    msg = " ".join(exc.value.message_dict["captions"])
    assert "X caption 1" in msg and "No promises about returns." in msg
    item.refresh_from_db()
    assert item.status == Status.DRAFT
    # The other tenant's rules do not apply to world.b.
    other = content_item_create(
        actor=m(world.b, "manager"),
        title="b",
        kind=Kind.TEXT,
        captions=[("x", "Guaranteed returns")],
    )
    assert content_item_approve(actor=m(world.b, "admin"), item=other).status == Status.APPROVED
