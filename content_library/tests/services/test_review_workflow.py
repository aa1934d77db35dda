"""Requested changes, rejection and the second reviewer (content_library/services/review.py)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections

from advocacy.models import AuditLogEntry
from content_library.models import (
    ContentItem,
    ContentItemApproval,
    ContentItemRevision,
    Kind,
    Status,
)
from content_library.selectors.review import review_feedback, review_queue
from content_library.services.items import content_item_update
from content_library.services.library_settings import library_settings_update
from content_library.services.review import (
    content_item_approve,
    content_item_archive,
    content_item_reject,
    content_item_request_changes,
    content_item_submit,
)
from content_library.services.suggestions import suggestion_accept, suggestion_submit
from tests.factories import MembershipFactory

from .test_items import m, make_item


def in_review(world):
    """An item the manager of world.a wrote and sent to review."""
    return content_item_submit(actor=m(world.a, "manager"), item=make_item(world))


def second_manager(tenant):
    return MembershipFactory(organization=tenant.org, role="manager")


def audit_actions(world, item):
    return set(
        AuditLogEntry.objects.filter(organization=world.a.org, target_id=str(item.pk)).values_list(
            "action", flat=True
        )
    )


def test_changes_requested_reach_the_author_who_edits_and_resubmits(world):
    item = in_review(world)
    with pytest.raises(ValidationError) as exc:
        content_item_request_changes(actor=m(world.a, "admin"), item=item, comment="  ")
    assert "comment" in exc.value.message_dict
    item = content_item_request_changes(
        actor=m(world.a, "admin"), item=item, comment="Shorten the LinkedIn caption."
    )
    assert item.status == Status.CHANGES_REQUESTED
    feedback = review_feedback(item=item)
    assert feedback is not None
    assert feedback.note == "Shorten the LinkedIn caption." and feedback.actor == world.a.admin
    returned = review_queue(membership=m(world.a, "manager"))["returned"]
    assert [i.pk for i in returned] == [item.pk]
    assert returned[0].review_feedback.note == "Shorten the LinkedIn caption."
    assert "content_item.changes_requested" in audit_actions(world, item)
    with pytest.raises(ValidationError):  # not approvable until resubmitted
        content_item_approve(actor=m(world.a, "admin"), item=item)
    item = content_item_update(
        actor=m(world.a, "manager"), item=item, captions=[("linkedin", "Short.")]
    )
    assert item.status == Status.CHANGES_REQUESTED
    item = content_item_submit(actor=m(world.a, "manager"), item=item)
    assert item.status == Status.IN_REVIEW and review_feedback(item=item) is None
    item = content_item_approve(actor=m(world.a, "admin"), item=item)
    assert item.status == Status.APPROVED


def test_changes_can_only_be_requested_in_review(world):
    item = make_item(world)
    with pytest.raises(ValidationError):
        content_item_request_changes(actor=m(world.a, "admin"), item=item, comment="x")


def test_rejection_needs_a_reason_and_is_final(world):
    item = in_review(world)
    with pytest.raises(ValidationError) as exc:
        content_item_reject(actor=m(world.a, "admin"), item=item, reason="")
    assert "reason" in exc.value.message_dict
    item = content_item_reject(
        actor=m(world.a, "admin"), item=item, reason="We do not talk about this project."
    )
    assert item.status == Status.REJECTED
    feedback = review_feedback(item=item)
    assert feedback is not None and feedback.note == "We do not talk about this project."
    assert ContentItemRevision.objects.filter(item=item, action="rejected").exists()
    assert "content_item.rejected" in audit_actions(world, item)
    with pytest.raises(ValidationError):
        content_item_submit(actor=m(world.a, "manager"), item=item)
    with pytest.raises(ValidationError):
        content_item_approve(actor=m(world.a, "admin"), item=item)
    assert content_item_archive(actor=m(world.a, "admin"), item=item).status == Status.ARCHIVED


@pytest.mark.parametrize("second", [False, True])
def test_the_author_never_approves_their_own_item(world, second):
    library_settings_update(actor=m(world.a, "admin"), require_second_reviewer=second)
    item = in_review(world)
    with pytest.raises(PermissionDenied):
        content_item_approve(actor=m(world.a, "manager"), item=item)
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW and not item.approvals.exists()


def test_a_suggestions_author_is_the_colleague_who_suggested_it(world):
    s = suggestion_submit(actor=m(world.a, "manager"), kind="link", url="https://example.com/x")
    item = suggestion_accept(actor=m(world.a, "admin"), suggestion=s, title="Read this")
    with pytest.raises(PermissionDenied):
        content_item_approve(actor=m(world.a, "manager"), item=item)
    assert content_item_approve(actor=m(world.a, "admin"), item=item).status == Status.APPROVED


def test_second_reviewer_two_distinct_approvals(world):
    library_settings_update(actor=m(world.a, "admin"), require_second_reviewer=True)
    assert "content_settings.changed" in set(
        AuditLogEntry.objects.filter(organization=world.a.org).values_list("action", flat=True)
    )
    item = in_review(world)
    item = content_item_approve(actor=m(world.a, "admin"), item=item)
    assert item.status == Status.IN_REVIEW and item.approved_by is None
    with pytest.raises(ValidationError):
        content_item_approve(actor=m(world.a, "admin"), item=item)
    assert item.approvals.count() == 1
    other = second_manager(world.a)
    item = content_item_approve(actor=other, item=item)
    assert item.status == Status.APPROVED and item.approved_by == other.user
    assert item.approvals.count() == 2
    actions = audit_actions(world, item)
    assert {"content_item.first_approval", "content_item.approved"} <= actions


def test_an_edit_after_the_first_approval_needs_both_again(world):
    library_settings_update(actor=m(world.a, "admin"), require_second_reviewer=True)
    item = content_item_approve(actor=m(world.a, "admin"), item=in_review(world))
    item = content_item_update(actor=m(world.a, "manager"), item=item, title="Other words")
    assert not item.approvals.exists()
    item = content_item_approve(actor=second_manager(world.a), item=item)
    assert item.status == Status.IN_REVIEW  # one approval of the new text so far


def test_a_draft_first_approval_puts_it_in_review(world):
    library_settings_update(actor=m(world.a, "admin"), require_second_reviewer=True)
    item = content_item_approve(actor=m(world.a, "admin"), item=make_item(world))
    assert item.status == Status.IN_REVIEW


def test_settings_of_one_organization_do_not_apply_to_another(world):
    library_settings_update(actor=m(world.a, "admin"), require_second_reviewer=True)
    other = content_item_approve(
        actor=m(world.b, "admin"),
        item=ContentItem.objects.create(
            organization=world.b.org, title="b", kind=Kind.TEXT, language="en"
        ),
    )
    assert other.status == Status.APPROVED


@pytest.mark.parametrize("role", ["employee", "hr"])
def test_lower_roles_neither_request_changes_nor_reject(world, role):
    item = in_review(world)
    with pytest.raises(PermissionDenied):
        content_item_request_changes(actor=m(world.a, role), item=item, comment="no")
    with pytest.raises(PermissionDenied):
        content_item_reject(actor=m(world.a, role), item=item, reason="no")
    with pytest.raises(PermissionDenied):
        library_settings_update(actor=m(world.a, role), require_second_reviewer=True)


def test_reviewers_of_another_organization_are_refused(world):
    item = in_review(world)
    with pytest.raises(PermissionDenied):
        content_item_request_changes(actor=m(world.b, "admin"), item=item, comment="x")
    with pytest.raises(PermissionDenied):
        content_item_reject(actor=m(world.b, "admin"), item=item, reason="x")
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW


def _simultaneously(*calls):
    """Run the calls in threads that start together; return their results or errors."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(n, fn):
        try:
            barrier.wait()
            results[n] = fn()
        except Exception as exc:
            results[n] = exc
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(n, fn)) for n, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_at_once_count_once_each(world, postgres_only):
    library_settings_update(actor=m(world.a, "admin"), require_second_reviewer=True)
    item = in_review(world)
    admin, other = m(world.a, "admin"), second_manager(world.a)
    results = _simultaneously(
        lambda: content_item_approve(actor=admin, item=item),
        lambda: content_item_approve(actor=other, item=item),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    item.refresh_from_db()
    assert item.status == Status.APPROVED
    assert ContentItemApproval.objects.filter(item=item).count() == 2
    assert ContentItemRevision.objects.filter(item=item, action="approved").count() == 1
    assert ContentItemRevision.objects.filter(item=item, action="first_approval").count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_reviewer_approving_twice_at_once_counts_once(world, postgres_only):
    library_settings_update(actor=m(world.a, "admin"), require_second_reviewer=True)
    item = in_review(world)
    admin = m(world.a, "admin")
    results = _simultaneously(
        lambda: content_item_approve(actor=admin, item=item),
        lambda: content_item_approve(actor=admin, item=item),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), results
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW
    assert ContentItemApproval.objects.filter(item=item).count() == 1


@pytest.mark.django_db(transaction=True)
def test_without_a_second_reviewer_simultaneous_approvals_approve_once(world, postgres_only):
    item = in_review(world)
    admin, other = m(world.a, "admin"), second_manager(world.a)
    results = _simultaneously(
        lambda: content_item_approve(actor=admin, item=item),
        lambda: content_item_approve(actor=other, item=item),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), results
    assert ContentItemRevision.objects.filter(item=item, action="approved").count() == 1
