"""A deactivated member's shares never go out (issue 12 item 8).

Deactivating a member (``advocacy.services.members.member_deactivate``) sends
``member_deactivated``; social cancels the member's scheduled and queued shares in the same
transaction, each with an event saying why. A share queued anyway (by a request that raced the
deactivation) is refused by the worker at the start of the publish attempt.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from advocacy.services.members import member_deactivate
from content_library.models import Kind
from content_library.tests.factories import ApprovedItemFactory
from social.models import Share, ShareEvent, ShareState
from social.services import publishing
from social.tests.factories import ShareFactory
from tests.celery_support import isolated_app, running_worker


def _events(share: Share) -> list[tuple[str, str, str]]:
    return list(
        ShareEvent.objects.filter(share=share)
        .order_by("pk")
        .values_list("from_state", "to_state", "detail")
    )


@pytest.mark.django_db
def test_deactivating_a_member_cancels_their_scheduled_and_queued_shares(world):
    member = world.a.members["employee"]
    other = world.a.members["manager"]
    later = timezone.now() + timedelta(hours=2)
    scheduled = ShareFactory.create(
        membership=member, state=ShareState.SCHEDULED, scheduled_at=later
    )
    queued = ShareFactory.create(membership=member, state=ShareState.QUEUED)
    publishing_now = ShareFactory.create(membership=member, state=ShareState.PUBLISHING)
    published = ShareFactory.create(membership=member, state=ShareState.PUBLISHED)
    colleague = ShareFactory.create(
        membership=other, state=ShareState.SCHEDULED, scheduled_at=later
    )

    member_deactivate(actor=world.a.members["admin"], membership=member)

    for share, before in ((scheduled, ShareState.SCHEDULED), (queued, ShareState.QUEUED)):
        share.refresh_from_db()
        assert share.state == ShareState.CANCELLED
        assert share.error_code == "member_deactivated"
        assert _events(share)[-1] == (
            before,
            ShareState.CANCELLED,
            "Cancelled: the member was deactivated in this organization.",
        )
    # Already at the network: left to finish (cancelling would lose track of a live post).
    for share, state in (
        (publishing_now, ShareState.PUBLISHING),
        (published, ShareState.PUBLISHED),
        (colleague, ShareState.SCHEDULED),
    ):
        share.refresh_from_db()
        assert share.state == state


def _wait_for_state(share: Share, *states: str, timeout: float = 60.0) -> Share:
    deadline = time.monotonic() + timeout
    while True:
        share.refresh_from_db()
        if share.state in states:
            return share
        if time.monotonic() > deadline:
            raise AssertionError(f"share stayed {share.state}, expected one of {states}")
        time.sleep(0.1)


def _linkedin_share(sandbox, membership, caption: str) -> Share:
    account = sandbox.network_account(membership.user, sandbox.connect("linkedin"))
    item = ApprovedItemFactory(
        organization=membership.organization,
        kind=Kind.LINK,
        url="https://acme.example/leaving",
        title=caption,
    )
    return ShareFactory.create(
        membership=membership,
        item=item,
        account=account,
        network="linkedin",
        caption=caption,
        state=ShareState.SCHEDULED,
    )


@pytest.mark.django_db(transaction=True)
def test_a_share_waiting_for_the_worker_is_not_posted_after_deactivation(
    sandbox, world, tmp_path, monkeypatch
):
    """The share's message is in the broker when the member is deactivated: the worker that
    takes it later finds it cancelled and posts nothing."""
    member = world.a.members["employee"]
    leaving = _linkedin_share(sandbox, member, "Posted by someone who left")
    staying = _linkedin_share(sandbox, world.a.members["manager"], "Posted by a colleague")
    app = isolated_app(tmp_path, monkeypatch, results=True)
    with transaction.atomic():
        publishing.share_enqueue(leaving)  # the message goes to the broker on commit
    member_deactivate(actor=world.a.members["admin"], membership=member)
    with transaction.atomic():
        publishing.share_enqueue(staying)  # behind it in the same queue

    with running_worker(app):
        _wait_for_state(staying, ShareState.PUBLISHED, ShareState.FAILED)

    leaving.refresh_from_db()
    assert leaving.state == ShareState.CANCELLED
    [post] = sandbox.linkedin_posts()
    assert post["id"] == staying.external_id


@pytest.mark.django_db(transaction=True)
def test_the_worker_refuses_a_share_queued_after_its_member_was_deactivated(
    sandbox, world, tmp_path, monkeypatch
):
    """A request that loaded the member before the deactivation committed queues a share
    after it: the worker refuses it at the start of the publish attempt, with the reason."""
    member = world.a.members["employee"]
    app = isolated_app(tmp_path, monkeypatch, results=True)
    member_deactivate(actor=world.a.members["admin"], membership=member)
    # The stale request (it loaded the member while still active) creates and queues a share.
    share = _linkedin_share(sandbox, member, "Queued by a request that raced the deactivation")
    with transaction.atomic():
        publishing.share_enqueue(share)

    with running_worker(app):
        share = _wait_for_state(share, ShareState.CANCELLED, ShareState.PUBLISHED)

    assert share.state == ShareState.CANCELLED
    assert share.error_code == "member_deactivated"
    assert _events(share)[-1] == (
        ShareState.QUEUED,
        ShareState.CANCELLED,
        "Not published: the member was deactivated in this organization.",
    )
    assert sandbox.linkedin_posts() == []
    assert [r for r in sandbox.requests_log() if r["route"] == "posts.create"] == []
