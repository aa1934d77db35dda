"""Publishing shares through the sandbox: outcomes, faults, retries and exactly-once.

The task bodies are called directly here (``social.services.publishing``); the tasks they enqueue are
captured, never sent. ``test_publishing_worker.py`` runs the same path on a real Celery worker.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from advocacy.networks import Network
from content_library.models import ItemShareMark, Kind
from content_library.tests.factories import ApprovedItemFactory
from social.connectors.linkedin import LinkedInConnector
from social.connectors.registry import connector_for
from social.models import AccountKind, AccountStatus, Share, ShareEvent, ShareState
from social.services import posts, publishing, quotas, reconcile
from social.tests.factories import ShareFactory

from .conftest import DEFAULT_SCOPES, Sandbox

PARTNER_SCOPES = [*DEFAULT_SCOPES["linkedin"], "r_member_social"]


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait for something another thread does (the sandbox finishing a delayed request)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


@pytest.fixture
def member(world):
    return world.a.members["employee"]


@pytest.fixture
def item(world):
    return ApprovedItemFactory.create(
        organization=world.a.org,
        kind=Kind.LINK,
        url="https://acme.example/news/launch",
        title="Acme launches",
        preview_title="Acme launches the thing",
        preview_description="Everything about the launch.",
    )


@pytest.fixture
def linkedin_account(sandbox: Sandbox, member):
    # An approved partner's app: reconciliation may read the member's posts (r_member_social);
    # an ordinary app's path (no finder) is tested in test_services_reconcile.py.
    connection = sandbox.connect("linkedin", profile="Ada Lovelace", scopes=PARTNER_SCOPES)
    return sandbox.network_account(member.user, connection)


@pytest.fixture(autouse=True)
def _reconcile_once(settings):
    """These tests reconcile once and decide; looking again over a window for late creates
    (SOCIAL_RECONCILE_WINDOW_SECONDS) has its own tests (test_services_reconcile.py)."""
    settings.SOCIAL_RECONCILE_WINDOW_SECONDS = 0


@pytest.fixture
def make_share(member, item):
    def make(account, **kw):
        defaults = {
            "membership": member,
            "item": item,
            "account": account,
            "network": account.network,
            "caption": "Proud of the team #launch",
            "state": ShareState.QUEUED,
        }
        defaults.update(kw)
        return ShareFactory.create(**defaults)

    return make


@pytest.fixture
def share(make_share, linkedin_account):
    return make_share(linkedin_account)


def events(share: Share) -> list[tuple[str, str]]:
    return [
        (e.from_state, e.to_state)
        for e in ShareEvent.objects.filter(share=share).order_by("at", "pk")
    ]


def creates(sandbox: Sandbox, endpoint: str = "posts.create") -> int:
    return sum(1 for r in sandbox.requests_log() if r.get("route") == endpoint)


# ---- the happy path ---------------------------------------------------------------------------


def test_a_queued_linkedin_share_is_published(
    sandbox, share, member, item, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks() as callbacks:
        assert publishing.publish_share(share.pk) == "published"

    share.refresh_from_db()
    assert share.state == ShareState.PUBLISHED
    [post] = sandbox.linkedin_posts()
    assert share.external_id == post["id"]
    assert share.permalink == f"{sandbox.url}/linkedin/www/feed/update/{post['id']}"
    assert share.published_at is not None and share.next_metrics_at == share.published_at
    assert share.attempts == 1 and share.attempt_id is not None
    article = post["content"]["article"]
    assert article["source"] == f"{settings.TRACKED_LINK_BASE_URL}/s/{share.link.code}"
    assert article["title"] == "Acme launches the thing"
    assert article["description"] == "Everything about the launch."
    assert post["commentary"] == "Proud of the team {hashtag|\\#|launch}"
    assert events(share) == [("queued", "publishing"), ("publishing", "published")]
    mark = ItemShareMark.objects.get(item=item, membership=member)
    assert mark.networks == ["linkedin"]
    # Nothing is enqueued; the only thing left for after the commit is the announcement.
    assert [getattr(c, "keywords", {}).get("state") for c in callbacks] == ["published"]


def test_publishing_twice_never_posts_twice(sandbox, share):
    assert publishing.publish_share(share.pk) == "published"
    assert publishing.publish_share(share.pk) == "skipped"
    assert len(sandbox.linkedin_posts()) == 1


def test_the_publishing_state_is_committed_before_the_network_is_called(
    sandbox, share, django_capture_on_commit_callbacks
):
    # A lost answer leaves the row as it was committed before the call: "publishing" with the
    # attempt's id and start time, which the sweep and reconciliation rely on.
    sandbox.fault("lost_response", network="linkedin", endpoint="posts.create")
    with django_capture_on_commit_callbacks():
        publishing.publish_share(share.pk)
    share.refresh_from_db()
    assert ("queued", "publishing") in events(share)
    assert share.publishing_started_at is not None and share.attempt_id is not None


def test_share_enqueue_queues_now_or_leaves_a_future_schedule(
    share, make_share, linkedin_account, item, world, django_capture_on_commit_callbacks
):
    other_item = ApprovedItemFactory.create(
        organization=world.a.org, kind=Kind.LINK, url="https://a.example/2"
    )
    later = make_share(
        linkedin_account,
        item=other_item,
        state=ShareState.SCHEDULED,
        scheduled_at=timezone.now() + timedelta(hours=2),
    )
    with django_capture_on_commit_callbacks() as callbacks:
        publishing.share_enqueue(later)
    assert later.state == ShareState.SCHEDULED and callbacks == []

    later.scheduled_at = timezone.now() - timedelta(minutes=1)
    with django_capture_on_commit_callbacks() as callbacks:
        publishing.share_enqueue(later)
    later.refresh_from_db()
    assert later.state == ShareState.QUEUED and len(callbacks) == 1


def test_a_facebook_page_share_is_published(
    sandbox, make_share, member, django_capture_on_commit_callbacks
):
    grace = sandbox.connect("facebook", profile="Grace Hopper")
    page = sandbox.network_account(member.user, grace, page_id="100000000000102")
    share = make_share(page, caption="Acme news")

    assert publishing.publish_share(share.pk) == "published"

    share.refresh_from_db()
    [post] = sandbox.facebook_posts()
    assert share.external_id == post["id"] and share.permalink == post["permalink_url"]
    assert post["link"].endswith(f"/s/{share.link.code}")


def test_an_instagram_share_waits_for_its_container_then_publishes(
    sandbox, make_share, member, world, django_capture_on_commit_callbacks
):
    account = sandbox.network_account(member.user, sandbox.connect("instagram"))
    photo = ApprovedItemFactory.create(
        organization=world.a.org,
        kind=Kind.LINK,
        url="https://acme.example/photo",
        preview_image_url="https://cdn.acme.example/photo.jpg",
    )
    share = make_share(account, item=photo, caption="Look at this")

    with django_capture_on_commit_callbacks() as callbacks:
        assert publishing.publish_share(share.pk) == "pending"
    share.refresh_from_db()
    assert share.state == ShareState.PUBLISHING and share.pending_container_id
    assert len(callbacks) == 1  # publish_poll_pending

    assert publishing.publish_poll_pending(share.pk) == "published"
    share.refresh_from_db()
    [media] = sandbox.instagram_media()
    assert share.state == ShareState.PUBLISHED and share.external_id == media["id"]
    assert share.pending_container_id == ""
    assert media["caption"].endswith(f"/s/{share.link.code}")


# ---- faults -----------------------------------------------------------------------------------


def test_rate_limit_waits_until_retry_after_and_blocks_the_account(
    sandbox, share, make_share, linkedin_account, world, django_capture_on_commit_callbacks
):
    sandbox.fault(
        "rate_limit", network="linkedin", endpoint="posts.create", scope="member", retry_after=120
    )
    now = timezone.now()
    with django_capture_on_commit_callbacks() as callbacks:
        assert publishing.publish_share(share.pk) == "rate_limited"

    share.refresh_from_db()
    assert share.state == ShareState.QUEUED
    assert now + timedelta(seconds=119) <= share.next_attempt_at <= now + timedelta(seconds=200)
    assert share.attempts == 0  # a throttled try does not count
    assert len(callbacks) == 1
    blocked = quotas.blocked_until("linkedin", "sbxAda01")
    assert blocked is not None and blocked >= now + timedelta(seconds=119)
    assert quotas.blocked_until("linkedin", "sbxGrace2") is None

    # Another share of the blocked account waits without calling the network.
    second = make_share(
        linkedin_account,
        item=ApprovedItemFactory.create(
            organization=world.a.org, kind=Kind.LINK, url="https://a.example/b"
        ),
    )
    calls = creates(sandbox)
    with django_capture_on_commit_callbacks():
        assert publishing.publish_share(second.pk) == "blocked"
    second.refresh_from_db()
    assert second.state == ShareState.QUEUED and second.next_attempt_at == blocked
    assert creates(sandbox) == calls
    assert publishing.publish_share(share.pk) == "not_due"

    with time_machine.travel(share.next_attempt_at + timedelta(seconds=1), tick=False):
        assert publishing.publish_share(share.pk) == "published"
        assert publishing.publish_share(second.pk) == "published"
    assert len(sandbox.linkedin_posts()) == 2


def test_an_app_wide_throttle_blocks_every_account_on_the_network(sandbox, share):
    sandbox.fault("rate_limit", network="linkedin", endpoint="posts.create", retry_after=60)
    publishing.publish_share(share.pk)
    assert quotas.blocked_until("linkedin") is not None
    assert quotas.blocked_until("linkedin", "anyone-else") is not None
    assert quotas.blocked_until("instagram") is None


def test_server_errors_are_retried_with_backoff(sandbox, share, django_capture_on_commit_callbacks):
    sandbox.fault("server_error", network="linkedin", endpoint="posts.create", status=503)
    now = timezone.now()
    with django_capture_on_commit_callbacks():
        assert publishing.publish_share(share.pk) == "retry"
    share.refresh_from_db()
    assert share.state == ShareState.QUEUED and share.attempts == 1
    assert now + timedelta(seconds=20) < share.next_attempt_at < now + timedelta(seconds=40)

    with time_machine.travel(share.next_attempt_at, tick=False):
        assert publishing.publish_share(share.pk) == "published"
    share.refresh_from_db()
    assert share.attempts == 2
    assert len(sandbox.linkedin_posts()) == 1


def test_a_network_that_keeps_failing_fails_the_share_after_the_cap(
    sandbox, share, settings, django_capture_on_commit_callbacks
):
    settings.SOCIAL_PUBLISH_MAX_ATTEMPTS = 2
    sandbox.fault("server_error", network="linkedin", endpoint="posts.create", count="always")
    with django_capture_on_commit_callbacks():
        assert publishing.publish_share(share.pk) == "retry"
    share.refresh_from_db()
    with time_machine.travel(share.next_attempt_at, tick=False):
        assert publishing.publish_share(share.pk) == "failed"
    share.refresh_from_db()
    assert share.state == ShareState.FAILED
    assert "gave up after 2 attempts" in share.error_message


def test_a_timeout_becomes_unknown_outcome_and_is_reconciled(
    sandbox, share, settings, django_capture_on_commit_callbacks
):
    settings.SOCIAL_HTTP_TIMEOUT = 0.3
    sandbox.fault("timeout", network="linkedin", endpoint="posts.create", delay=1)
    with django_capture_on_commit_callbacks() as callbacks:
        assert publishing.publish_share(share.pk) == "unknown_outcome"
    share.refresh_from_db()
    assert share.state == ShareState.UNKNOWN_OUTCOME
    assert len(callbacks) == 1  # reconcile_share, after a delay
    wait_for(lambda: len(sandbox.linkedin_posts()) == 1)  # LinkedIn finishes the slow call

    assert reconcile.reconcile_share(share.pk) == "published"

    share.refresh_from_db()
    [post] = sandbox.linkedin_posts()
    assert share.state == ShareState.PUBLISHED and share.external_id == post["id"]
    assert events(share)[-2:] == [
        ("publishing", "unknown_outcome"),
        ("unknown_outcome", "published"),
    ]


def test_a_lost_response_is_reconciled_as_published_without_a_second_post(
    sandbox, share, django_capture_on_commit_callbacks
):
    sandbox.fault("lost_response", network="linkedin", endpoint="posts.create")
    with django_capture_on_commit_callbacks():
        assert publishing.publish_share(share.pk) == "unknown_outcome"
        assert publishing.publish_share(share.pk) == "skipped"  # never re-sent blindly
        assert reconcile.reconcile_share(share.pk) == "published"

    share.refresh_from_db()
    assert share.state == ShareState.PUBLISHED
    assert len(sandbox.linkedin_posts()) == 1
    assert creates(sandbox) == 1


def test_an_unknown_outcome_that_did_not_happen_is_queued_again(
    sandbox, share, settings, django_capture_on_commit_callbacks
):
    # The gateway answered 504 before LinkedIn saw the request: simulate by deleting the post.
    sandbox.fault("lost_response", network="linkedin", endpoint="posts.create", mode="504")
    with django_capture_on_commit_callbacks():
        publishing.publish_share(share.pk)
    [post] = sandbox.linkedin_posts()
    sandbox.state()  # the post exists; make LinkedIn forget it
    linkedin = connector_for("linkedin", AccountKind.MEMBER)
    assert isinstance(linkedin, LinkedInConnector)
    assert share.account is not None
    linkedin.http.request(
        "DELETE",
        f"{settings.NETWORK_BASES['LINKEDIN_API_BASE']}/rest/posts/{post['id']}",
        headers=linkedin._headers(posts.account_ref(share.account)),
    )

    with django_capture_on_commit_callbacks() as callbacks:
        assert reconcile.reconcile_share(share.pk) == "requeued"
    share.refresh_from_db()
    assert share.state == ShareState.QUEUED and len(callbacks) == 1

    with time_machine.travel(share.next_attempt_at, tick=False):
        assert publishing.publish_share(share.pk) == "published"
    assert len(sandbox.linkedin_posts()) == 1


def test_a_revoked_token_needs_reconnecting_and_tells_the_member_once(
    sandbox, share, make_share, linkedin_account, world, member, django_capture_on_commit_callbacks
):
    sandbox.revoke_token(linkedin_account.access_token)
    with django_capture_on_commit_callbacks(execute=True):
        assert publishing.publish_share(share.pk) == "needs_reconnect"

    share.refresh_from_db()
    linkedin_account.refresh_from_db()
    assert share.state == ShareState.NEEDS_RECONNECT
    assert linkedin_account.status == AccountStatus.NEEDS_RECONNECT
    assert "revoked" in linkedin_account.status_reason
    [message] = mail.outbox
    assert message.to == [member.user.email]
    assert "Reconnect your LinkedIn account" in message.subject
    assert "Acme launches" in message.body

    second = make_share(
        linkedin_account,
        item=ApprovedItemFactory.create(
            organization=world.a.org, kind=Kind.LINK, url="https://a.example/c"
        ),
    )
    calls = len(sandbox.requests_log())
    with django_capture_on_commit_callbacks(execute=True):
        assert publishing.publish_share(second.pk) == "needs_reconnect"
    assert len(sandbox.requests_log()) == calls
    assert len(mail.outbox) == 1


def test_a_duplicate_fails_and_is_never_retried(sandbox, share, django_capture_on_commit_callbacks):
    sandbox.fault("duplicate", network="linkedin", endpoint="posts.create")
    with django_capture_on_commit_callbacks() as callbacks:
        assert publishing.publish_share(share.pk) == "failed"
    share.refresh_from_db()
    assert share.state == ShareState.FAILED and share.error_code == "duplicate"
    assert "duplicate" in share.error_message.lower()
    assert callbacks == []
    assert publishing.publish_share(share.pk) == "skipped"
    assert sandbox.linkedin_posts() == []


def test_an_instagram_share_over_quota_is_rescheduled(
    sandbox, make_share, member, world, django_capture_on_commit_callbacks
):
    sandbox.config(instagram_quota_total=0)
    account = sandbox.network_account(member.user, sandbox.connect("instagram"))
    photo = ApprovedItemFactory.create(
        organization=world.a.org,
        kind=Kind.LINK,
        url="https://acme.example/p",
        preview_image_url="https://cdn.acme.example/p.jpg",
    )
    share = make_share(account, item=photo)
    now = timezone.now()
    with django_capture_on_commit_callbacks() as callbacks:
        assert publishing.publish_share(share.pk) == "rate_limited"
    share.refresh_from_db()
    assert share.state == ShareState.QUEUED and share.next_attempt_at > now + timedelta(minutes=59)
    assert len(callbacks) == 1
    assert quotas.blocked_until("instagram", account.external_id) is not None
    assert sandbox.state()["instagram"]["containers"] == {}


def test_a_disconnected_account_needs_reconnecting_without_a_call(sandbox, share):
    account = share.account
    account.wipe_tokens()
    account.save()
    calls = len(sandbox.requests_log())
    assert publishing.publish_share(share.pk) == "needs_reconnect"
    assert len(sandbox.requests_log()) == calls


# ---- exactly once across a crash -----------------------------------------------------------------


def crashed_after_the_network_answered(share: Share, *, post_exists: bool) -> None:
    """The worker sent the post (or not), then died before saving: the row says "publishing"."""
    started = timezone.now() - timedelta(minutes=30)
    if post_exists:
        assert share.account is not None
        connector = connector_for(share.network, share.account.kind)
        connector.publish(posts.account_ref(share.account), posts.share_post_content(share))
    Share.objects.filter(pk=share.pk).update(
        state=ShareState.PUBLISHING,
        attempts=1,
        attempt_id=uuid.uuid4(),
        publishing_started_at=started,
    )


def test_a_crash_after_the_network_answered_is_reconciled_as_published(
    sandbox, share, django_capture_on_commit_callbacks
):
    crashed_after_the_network_answered(share, post_exists=True)

    with django_capture_on_commit_callbacks() as callbacks:
        counts = publishing.publish_due_scheduled()
    assert counts["stale"] == 1 and len(callbacks) == 1
    share.refresh_from_db()
    assert share.state == ShareState.UNKNOWN_OUTCOME
    assert publishing.publish_share(share.pk) == "skipped"

    assert reconcile.reconcile_share(share.pk) == "published"
    share.refresh_from_db()
    assert share.state == ShareState.PUBLISHED
    assert len(sandbox.linkedin_posts()) == 1
    assert creates(sandbox) == 1


def test_a_crash_before_the_network_saw_anything_is_sent_once(
    sandbox, share, django_capture_on_commit_callbacks
):
    crashed_after_the_network_answered(share, post_exists=False)
    with django_capture_on_commit_callbacks():
        publishing.publish_due_scheduled()
        assert reconcile.reconcile_share(share.pk) == "requeued"
    share.refresh_from_db()
    with time_machine.travel(share.next_attempt_at, tick=False):
        assert publishing.publish_share(share.pk) == "published"
    assert len(sandbox.linkedin_posts()) == 1


def test_a_share_still_being_published_is_left_alone_by_the_sweep(sandbox, share):
    Share.objects.filter(pk=share.pk).update(
        state=ShareState.PUBLISHING, attempt_id=uuid.uuid4(), publishing_started_at=timezone.now()
    )
    assert publishing.publish_due_scheduled()["stale"] == 0
    share.refresh_from_db()
    assert share.state == ShareState.PUBLISHING


def test_a_reconnected_share_checks_the_earlier_attempt_before_sending(
    sandbox, share, django_capture_on_commit_callbacks
):
    # Unknown outcome, then the token was revoked while reconciling: after reconnecting and
    # retrying, Chorus must look for the earlier post before sending a new one.
    sandbox.fault("lost_response", network="linkedin", endpoint="posts.create")
    with django_capture_on_commit_callbacks(execute=False):
        publishing.publish_share(share.pk)
    sandbox.fault("revoked_token", network="linkedin", endpoint="posts.list")
    with django_capture_on_commit_callbacks(execute=False):
        assert reconcile.reconcile_share(share.pk) == "needs_reconnect"
    share.refresh_from_db()
    assert share.state == ShareState.NEEDS_RECONNECT and share.error_code == "unconfirmed"

    account = share.account
    account.status = AccountStatus.CONNECTED
    account.save()
    with django_capture_on_commit_callbacks(execute=False):
        publishing.share_retry(share)
        assert publishing.publish_share(share.pk) == "published"
    assert len(sandbox.linkedin_posts()) == 1


# ---- scheduling and retries -----------------------------------------------------------------------


def test_due_scheduled_shares_are_queued_and_enqueued(
    sandbox, make_share, linkedin_account, world, django_capture_on_commit_callbacks
):
    def item(n: int):
        return ApprovedItemFactory.create(
            organization=world.a.org, kind=Kind.LINK, url=f"https://a.example/{n}"
        )

    due = make_share(
        linkedin_account,
        item=item(1),
        state=ShareState.SCHEDULED,
        scheduled_at=timezone.now() - timedelta(minutes=1),
    )
    later = make_share(
        linkedin_account,
        item=item(2),
        state=ShareState.SCHEDULED,
        scheduled_at=timezone.now() + timedelta(hours=1),
    )
    with django_capture_on_commit_callbacks() as callbacks:
        assert publishing.publish_due_scheduled()["queued"] == 1
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.state == ShareState.QUEUED and later.state == ShareState.SCHEDULED
    assert len(callbacks) == 1
    assert events(due) == [("scheduled", "queued")]


def test_a_queued_share_whose_message_was_lost_is_sent_again(
    sandbox, share, django_capture_on_commit_callbacks
):
    later = timezone.now() + timedelta(minutes=10)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks() as callbacks:
        assert publishing.publish_due_scheduled()["requeued"] == 1
    assert len(callbacks) == 1


def test_the_member_retries_a_failed_share(sandbox, share, django_capture_on_commit_callbacks):
    sandbox.fault("duplicate", network="linkedin", endpoint="posts.create")
    publishing.publish_share(share.pk)
    share.refresh_from_db()

    with django_capture_on_commit_callbacks() as callbacks:
        publishing.share_retry(share)
    assert share.state == ShareState.QUEUED and share.attempts == 0 and len(callbacks) == 1
    assert publishing.publish_share(share.pk) == "published"

    with pytest.raises(ValidationError):
        publishing.share_retry(share)


def test_dialog_shares_are_not_enqueued(share):
    share.method = "dialog"
    with pytest.raises(ValidationError):
        publishing.share_enqueue(share)


def test_share_events_are_recorded_in_the_shares_organization(sandbox, share, world):
    publishing.publish_share(share.pk)
    assert set(ShareEvent.objects.values_list("organization_id", flat=True)) == {world.a.org.pk}
    assert share.network == Network.LINKEDIN


@pytest.mark.django_db
def test_the_recovery_sweep_never_touches_dialog_shares(django_capture_on_commit_callbacks):
    """Dialog shares are posted by the member in the network's own dialog: nothing to resend."""
    from social.models import ShareMethod

    dialog = ShareFactory.create(method=ShareMethod.DIALOG, account=None, state=ShareState.QUEUED)
    Share.objects.filter(pk=dialog.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        counts = publishing.publish_due_scheduled()
    assert counts["requeued"] == 0
    assert callbacks == []
    dialog.refresh_from_db()
    assert dialog.state == ShareState.QUEUED
