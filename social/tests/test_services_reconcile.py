"""Reconciling a create whose answer was lost, over a window long enough for late creates
(issue 12 items 10-12), end to end on a real worker against the sandbox over HTTP.

The sandbox's ``timeout`` fault on ``posts.create`` sleeps, then creates the post: the network
finishes the create after our timeout (LinkedIn was seen at 45 s; here the timeout, the delay and
the window are scaled down to keep the tests short, through the same settings and code path).
"""

from __future__ import annotations

import time

import pytest
from django.db import transaction
from django.utils import timezone

from content_library.models import Kind
from content_library.tests.factories import ApprovedItemFactory
from social.models import Share, ShareEvent, ShareState
from social.services import publishing, reconcile
from social.tests.factories import ShareFactory

from .conftest import DEFAULT_SCOPES

pytestmark = pytest.mark.django_db(transaction=True)

#: An approved partner's app: it may read the member's recent posts (the author finder).
PARTNER_SCOPES = [*DEFAULT_SCOPES["linkedin"], "r_member_social"]
LATE = 2.0  # seconds after the call the network finishes the create


@pytest.fixture(autouse=True)
def _scaled_down(settings):
    settings.SOCIAL_HTTP_TIMEOUT = 0.5
    settings.SOCIAL_RECONCILE_DELAY_SECONDS = 0.5
    settings.SOCIAL_RECONCILE_WINDOW_SECONDS = LATE + 1.5
    settings.SOCIAL_PUBLISH_BACKOFF_SECONDS = 0.2


def wait_for_state(share: Share, *states: str, timeout: float = 30.0) -> Share:
    deadline = time.monotonic() + timeout
    while True:
        share.refresh_from_db()
        if share.state in states:
            return share
        if time.monotonic() > deadline:
            raise AssertionError(f"share stayed {share.state}, expected one of {states}")
        time.sleep(0.1)


def make_share(sandbox, world, scopes: list[str]) -> Share:
    member = world.a.members["employee"]
    account = sandbox.network_account(member.user, sandbox.connect("linkedin", scopes=scopes))
    item = ApprovedItemFactory.create(
        organization=world.a.org, kind=Kind.LINK, url="https://acme.example/late", title="Late"
    )
    return ShareFactory.create(
        membership=member,
        item=item,
        account=account,
        network="linkedin",
        caption="Finished late by the network",
        state=ShareState.SCHEDULED,
    )


def route_calls(sandbox, route: str) -> list[dict]:
    return [r for r in sandbox.requests_log() if r["route"] == route]


def test_a_late_create_is_found_by_looking_again_and_never_sent_twice(
    sandbox, world, publishing_worker
):
    share = make_share(sandbox, world, PARTNER_SCOPES)
    sandbox.fault("timeout", network="linkedin", endpoint="posts.create", delay=LATE)
    with transaction.atomic():
        publishing.share_enqueue(share)

    share = wait_for_state(share, ShareState.PUBLISHED, ShareState.FAILED)

    [post] = sandbox.linkedin_posts()
    assert share.state == ShareState.PUBLISHED and share.external_id == post["id"]
    assert len(route_calls(sandbox, "posts.create")) == 1  # nothing was sent again
    assert len(route_calls(sandbox, "posts.list")) >= 2  # looked more than once
    details = [e.detail for e in ShareEvent.objects.filter(share=share)]
    assert any("looking again" in d for d in details)
    assert details[-1] == "Found on the network: the post went out."


def test_an_ordinary_app_waits_out_the_window_and_the_duplicate_answer_proves_publication(
    sandbox, world, publishing_worker
):
    # w_member_social only: LinkedIn refuses the author finder, so Chorus never calls it, waits
    # out the window, sends again, and LinkedIn's DUPLICATE_POST names the post that went out.
    share = make_share(sandbox, world, DEFAULT_SCOPES["linkedin"])
    sandbox.fault("timeout", network="linkedin", endpoint="posts.create", delay=LATE)
    started = time.monotonic()
    with transaction.atomic():
        publishing.share_enqueue(share)

    share = wait_for_state(share, ShareState.PUBLISHED, ShareState.FAILED)

    assert time.monotonic() - started >= LATE + 1.5  # nothing was sent within the window
    [post] = sandbox.linkedin_posts()
    assert share.state == ShareState.PUBLISHED
    assert share.external_id == post["id"]
    assert share.permalink.endswith(post["id"])
    assert [r["status"] for r in route_calls(sandbox, "posts.create")] == [201, 422]
    assert route_calls(sandbox, "posts.list") == []
    details = [e.detail for e in ShareEvent.objects.filter(share=share)]
    assert any("does not let Chorus look" in d for d in details)
    assert "already exists" in details[-1]


@pytest.mark.django_db  # one transaction: the scheduled looks are captured, not sent
def test_a_finder_that_keeps_failing_is_given_up_with_the_reason(
    sandbox, world, settings, django_capture_on_commit_callbacks
):
    settings.SOCIAL_RECONCILE_MAX_CHECKS = 3
    share = make_share(sandbox, world, PARTNER_SCOPES)
    Share.objects.filter(pk=share.pk).update(
        state=ShareState.UNKNOWN_OUTCOME,
        attempts=1,
        error_code="unconfirmed",
        publishing_started_at=timezone.now(),
    )
    # A permanent 4xx from the finder, every time.
    sandbox.fault("duplicate", network="linkedin", endpoint="posts.list", count="always")

    outcomes = []
    for _check in range(3):
        with django_capture_on_commit_callbacks() as callbacks:
            outcomes.append(reconcile.reconcile_share(share.pk))
        assert len(callbacks) == (1 if outcomes[-1] == "reconcile_later" else 0)

    assert outcomes == ["reconcile_later", "reconcile_later", "failed"]
    share.refresh_from_db()
    assert share.state == ShareState.FAILED
    assert share.error_code == "unconfirmed"  # a retry looks again before sending
    assert "duplicate" in share.error_message.lower()
    last = ShareEvent.objects.filter(share=share).order_by("at", "pk").last()
    assert last.to_state == ShareState.FAILED
    assert "stopped checking after 3 tries" in last.detail
    assert sandbox.linkedin_posts() == []
