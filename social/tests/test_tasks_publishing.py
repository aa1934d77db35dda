"""The publishing path end to end on a real Celery worker (in a thread, isolated broker folder)."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.db import transaction

from content_library.models import Kind
from content_library.tests.factories import ApprovedItemFactory
from social.models import AccountStatus, Share, ShareState
from social.services import publishing
from social.tests.factories import ShareFactory

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for_state(share: Share, *states: str, timeout: float = 60.0) -> Share:
    deadline = time.monotonic() + timeout
    while True:
        share.refresh_from_db()
        if share.state in states:
            return share
        if time.monotonic() > deadline:
            raise AssertionError(f"share stayed {share.state}, expected one of {states}")
        time.sleep(0.1)


@pytest.fixture
def share(sandbox, world):
    member = world.a.members["employee"]
    account = sandbox.network_account(member.user, sandbox.connect("linkedin"))
    item = ApprovedItemFactory(
        organization=world.a.org, kind=Kind.LINK, url="https://acme.example/worker", title="Worker"
    )
    return ShareFactory(
        membership=member,
        item=item,
        account=account,
        network="linkedin",
        caption="Published by a real worker",
        state=ShareState.SCHEDULED,
    )


def test_a_share_enqueued_on_commit_is_published_by_the_worker(sandbox, share, publishing_worker):
    with transaction.atomic():
        publishing.share_enqueue(share)

    share = wait_for_state(share, ShareState.PUBLISHED, ShareState.FAILED)

    assert share.state == ShareState.PUBLISHED
    [post] = sandbox.linkedin_posts()
    assert share.external_id == post["id"]


def test_a_rate_limited_share_waits_then_is_published_by_the_worker(
    sandbox, share, publishing_worker
):
    sandbox.fault("rate_limit", network="linkedin", endpoint="posts.create", retry_after=1)
    with transaction.atomic():
        publishing.share_enqueue(share)

    share = wait_for_state(share, ShareState.PUBLISHED, ShareState.FAILED)

    assert share.state == ShareState.PUBLISHED
    creates = [r for r in sandbox.requests_log() if r["route"] == "posts.create"]
    assert [r["status"] for r in creates] == [429, 201]
    assert len(sandbox.linkedin_posts()) == 1


def test_a_revoked_token_on_the_worker_asks_the_member_to_reconnect(
    sandbox, share, publishing_worker
):
    sandbox.fault("revoked_token", network="linkedin", endpoint="posts.create")
    with transaction.atomic():
        publishing.share_enqueue(share)

    share = wait_for_state(share, ShareState.NEEDS_RECONNECT, ShareState.PUBLISHED)

    share.account.refresh_from_db()
    assert share.account.status == AccountStatus.NEEDS_RECONNECT
    deadline = time.monotonic() + 10
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [m.to for m in mail.outbox] == [[share.membership.user.email]]
    assert sandbox.linkedin_posts() == []
