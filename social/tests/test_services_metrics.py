"""Metrics: the decaying schedule, due selection in per-account batches, snapshots written in
bulk with unknowns kept unknown, and the networks' answers over HTTP (the sandbox)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from advocacy.networks import Network
from content_library.tests.factories import ApprovedItemFactory
from social.connectors.base import PostContent
from social.connectors.registry import connector_for
from social.models import (
    AccountStatus,
    MetricSnapshot,
    NetworkAccount,
    Share,
    ShareMethod,
    ShareState,
)
from social.services import quotas
from social.services.metrics import (
    BATCH_SIZE,
    LEASE,
    METRIC_FIELDS,
    metrics_due_select,
    metrics_refresh_shares,
    next_metrics_time,
)
from social.services.posts import account_ref
from social.tasks import metrics_refresh_batch, metrics_refresh_due
from social.tests.factories import NetworkAccountFactory, ShareFactory

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


# ---- the schedule (pure) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "expected_after_now"),
    [
        (timedelta(0), timedelta(hours=1)),
        (timedelta(hours=5), timedelta(hours=1)),
        (timedelta(hours=23, minutes=59), timedelta(hours=1)),
        (timedelta(days=1), timedelta(days=1)),
        (timedelta(days=12), timedelta(days=1)),
        (timedelta(days=29, hours=23), timedelta(days=1)),
        (timedelta(days=30), timedelta(days=7)),
        (timedelta(days=60), timedelta(days=7)),
    ],
)
def test_schedule_is_hourly_then_daily_then_weekly(age, expected_after_now):
    now = T0 + age
    assert next_metrics_time(T0, now) == now + expected_after_now


def test_schedule_pulls_a_last_time_at_day_90_then_stops():
    assert next_metrics_time(T0, T0 + timedelta(days=88)) == T0 + timedelta(days=90)
    assert next_metrics_time(T0, T0 + timedelta(days=90)) is None
    assert next_metrics_time(T0, T0 + timedelta(days=400)) is None


def test_schedule_over_a_share_lifetime_decays():
    pulls, now = [], T0
    while (nxt := next_metrics_time(T0, now)) is not None:
        pulls.append(nxt)
        now = nxt
    first_day = [p for p in pulls if p - T0 <= timedelta(days=1)]
    assert len(first_day) == 24
    assert len(pulls) < 24 + 30 + 10 + 2
    assert pulls[-1] == T0 + timedelta(days=90)


# ---- due selection ---------------------------------------------------------------------------


def _published(membership, account, *, at=T0, next_at=T0 + timedelta(hours=1), **fields):
    return ShareFactory.create(
        membership=membership,
        organization=membership.organization,
        account=account,
        network=account.network if account else Network.FACEBOOK,
        state=ShareState.PUBLISHED,
        published_at=at,
        next_metrics_at=next_at,
        external_id=fields.pop("external_id", f"urn:li:share:{account.pk if account else 0}"),
        **fields,
    )


@pytest.fixture
def two_accounts(world):
    member = world.a.members["employee"]
    other = world.b.members["employee"]
    return (
        member,
        NetworkAccountFactory.create(user=member.user),
        other,
        NetworkAccountFactory.create(user=other.user),
    )


def _shares_for(membership, account, n, **kw):
    item_kw = {"organization": membership.organization}
    return [
        _published(
            membership,
            account,
            item=ApprovedItemFactory.create(**item_kw),
            external_id=f"urn:li:share:{account.pk}-{i}",
            **kw,
        )
        for i in range(n)
    ]


def test_due_selection_batches_per_account_and_leases(two_accounts, django_assert_max_num_queries):
    member, account, other, other_account = two_accounts
    mine = _shares_for(member, account, BATCH_SIZE + 3)
    theirs = _shares_for(other, other_account, 2)
    later = _published(
        member,
        account,
        item=ApprovedItemFactory.create(organization=member.organization),
        next_at=T0 + timedelta(days=3),
        external_id="urn:li:share:later",
    )
    dialog = _published(
        member,
        None,
        item=ApprovedItemFactory.create(organization=member.organization),
        method=ShareMethod.DIALOG,
        external_id="",
    )
    now = T0 + timedelta(hours=2)
    with django_assert_max_num_queries(6):
        due = metrics_due_select(now=now)
    assert sorted(len(b) for b in due.batches) == [2, 3, BATCH_SIZE]
    by_account = {
        frozenset(Share.objects.filter(pk__in=b).values_list("account_id", flat=True))
        for b in due.batches
    }
    assert by_account == {frozenset({account.pk}), frozenset({other_account.pk})}
    assert due.shares == len(mine) + len(theirs)
    leased = Share.objects.filter(pk__in=[s.pk for s in mine + theirs])
    assert set(leased.values_list("next_metrics_at", flat=True)) == {now + LEASE}
    # Leased shares are not handed out twice; the later and the dialog share never were.
    assert metrics_due_select(now=now).shares == 0
    later.refresh_from_db()
    dialog.refresh_from_db()
    assert later.next_metrics_at == T0 + timedelta(days=3)


def test_due_selection_skips_throttled_accounts_until_the_block_ends(two_accounts):
    member, account, other, other_account = two_accounts
    _shares_for(member, account, 2)
    theirs = _shares_for(other, other_account, 1)
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        until = quotas.block(
            Network.LINKEDIN, seconds=600, scope="account", account_id=account.external_id
        )
        due = metrics_due_select()
        assert [sorted(b) for b in due.batches] == [[theirs[0].pk]]
        assert due.postponed == 2
    assert set(Share.objects.filter(account=account).values_list("next_metrics_at", flat=True)) == {
        until
    }


def test_due_selection_postpones_shares_of_disconnected_accounts(two_accounts):
    member, account, *_ = two_accounts
    NetworkAccount.objects.filter(pk=account.pk).update(status=AccountStatus.NEEDS_RECONNECT)
    _shares_for(member, account, 2)
    due = metrics_due_select(now=T0 + timedelta(hours=2))
    assert (due.shares, due.postponed) == (0, 2)


# ---- against the sandbox over HTTP -----------------------------------------------------------


def _post_for_real(sandbox, membership, network: str, profile: str | None = None) -> Share:
    """Connect the member's account through OAuth and publish one post through the connector."""
    connection = sandbox.connect(network, profile)
    account = sandbox.network_account(membership.user, connection)
    connector = connector_for(network, account.kind)
    item = ApprovedItemFactory.create(
        organization=membership.organization, url="https://example.com/a"
    )
    posted = connector.publish(
        account_ref(account),
        PostContent(
            caption=f"Worth a read {item.pk}",
            link_url="https://chorus.example/s/abc",
            title="A story",
            image_urls=("https://example.com/picture.jpg",) if network == "instagram" else (),
        ),
    )
    if posted.pending_id:  # Instagram: the container finishes after a poll
        polled = connector.poll_pending(
            account_ref(account), posted.pending_id
        ) or connector.poll_pending(account_ref(account), posted.pending_id)
        assert polled is not None
        posted = polled
    now = timezone.now()
    return ShareFactory.create(
        membership=membership,
        organization=membership.organization,
        item=item,
        account=account,
        network=network,
        state=ShareState.PUBLISHED,
        published_at=now,
        next_metrics_at=now,
        external_id=posted.external_id,
        permalink=posted.permalink,
    )


def test_linkedin_metrics_are_stored_and_copied_to_the_share(sandbox, world):
    share = _post_for_real(sandbox, world.a.members["employee"], "linkedin")
    sandbox.clock(advance_seconds=6 * 3600)  # the post has been seen for a few hours
    now = timezone.now()
    result = metrics_refresh_shares([share.pk], now=now)
    assert result.snapshots == 1
    snapshot = MetricSnapshot.objects.get(share=share)
    assert snapshot.organization_id == world.a.org.pk
    assert snapshot.impressions and snapshot.impressions > 0
    assert snapshot.reach is not None and snapshot.reactions is not None
    assert snapshot.video_views is None  # LinkedIn member posts report no video views
    share.refresh_from_db()
    assert [getattr(share, f) for f in METRIC_FIELDS] == [
        getattr(snapshot, f) for f in METRIC_FIELDS
    ]
    assert share.metrics_updated_at == now
    assert share.published_at is not None
    assert share.next_metrics_at == next_metrics_time(share.published_at, now)
    # Metrics never go backwards: a later pull appends another snapshot with more.
    sandbox.clock(advance_seconds=24 * 3600)
    metrics_refresh_shares([share.pk])
    first, second = MetricSnapshot.objects.filter(share=share).order_by("fetched_at")
    assert second.impressions >= first.impressions


def test_facebook_page_metrics_keep_unreported_values_unknown(sandbox, world):
    share = _post_for_real(sandbox, world.a.members["employee"], "facebook")
    sandbox.clock(advance_seconds=3 * 3600)
    assert metrics_refresh_shares([share.pk]).snapshots == 1
    snapshot = MetricSnapshot.objects.get(share=share)
    assert snapshot.impressions is not None and snapshot.reach is not None
    for unreported in ("comments", "reshares", "saves", "video_views"):
        assert getattr(snapshot, unreported) is None  # NULL, not 0
    share.refresh_from_db()
    assert share.comments is None and share.impressions == snapshot.impressions


def test_instagram_metrics(sandbox, world):
    share = _post_for_real(sandbox, world.a.members["employee"], "instagram")
    sandbox.clock(advance_seconds=2 * 3600)
    assert metrics_refresh_shares([share.pk]).snapshots == 1
    snapshot = MetricSnapshot.objects.get(share=share)
    assert snapshot.saves is not None and snapshot.video_views is None
    assert snapshot.interactions is not None and snapshot.interactions >= snapshot.saves
    share.refresh_from_db()
    assert share.interactions == snapshot.interactions


def test_a_batch_costs_the_same_queries_for_one_share_or_many(
    sandbox, world, django_assert_num_queries
):
    member = world.a.members["employee"]
    first = _post_for_real(sandbox, member, "linkedin")
    assert first.account is not None
    connector = connector_for("linkedin")
    more = []
    for i in range(4):
        posted = connector.publish(
            account_ref(first.account),
            PostContent(caption=f"post {i}", link_url=f"https://e.x/{i}"),
        )
        more.append(
            ShareFactory.create(
                membership=member,
                organization=member.organization,
                account=first.account,
                item=ApprovedItemFactory.create(organization=member.organization),
                state=ShareState.PUBLISHED,
                published_at=timezone.now(),
                next_metrics_at=timezone.now(),
                external_id=posted.external_id,
            )
        )
    # select shares (+ account) / savepoint / bulk insert / bulk update / release
    with django_assert_num_queries(5):
        metrics_refresh_shares([first.pk])
    with django_assert_num_queries(5):
        assert metrics_refresh_shares([s.pk for s in more]).snapshots == 4


def test_rate_limited_sets_the_block_and_retries_later(sandbox, world):
    share = _post_for_real(sandbox, world.a.members["employee"], "linkedin")
    assert share.account is not None
    sandbox.fault("rate_limit", network="linkedin", endpoint="analytics", retry_after=900)
    now = timezone.now()
    result = metrics_refresh_shares([share.pk], now=now)
    assert (result.snapshots, result.rate_limited) == (0, 1)
    assert not MetricSnapshot.objects.exists()
    until = quotas.blocked_until("linkedin", share.account.external_id)
    assert until is not None and until > now + timedelta(minutes=10)
    share.refresh_from_db()
    assert share.next_metrics_at == until
    # While blocked, the account's shares are not even handed out.
    Share.objects.filter(pk=share.pk).update(next_metrics_at=now)
    assert metrics_due_select(now=now).shares == 0


def test_revoked_token_marks_the_account_for_reconnection(sandbox, world):
    share = _post_for_real(sandbox, world.a.members["employee"], "linkedin")
    assert share.account is not None
    sandbox.revoke_token(share.account.access_token)
    now = timezone.now()
    result = metrics_refresh_shares([share.pk], now=now)
    assert (result.snapshots, result.reconnect) == (0, 1)
    share.account.refresh_from_db()
    assert share.account.status == AccountStatus.NEEDS_RECONNECT
    share.refresh_from_db()
    assert share.next_metrics_at == now + timedelta(days=1)


def test_a_post_deleted_on_the_network_stops_its_metrics(sandbox, world):
    share = _post_for_real(sandbox, world.a.members["employee"], "linkedin")
    Share.objects.filter(pk=share.pk).update(external_id="urn:li:share:999999999")
    result = metrics_refresh_shares([share.pk])
    assert (result.snapshots, result.gone) == (0, 1)
    share.refresh_from_db()
    assert share.next_metrics_at is None


def test_the_beat_task_enqueues_batches_on_the_metrics_queue(
    sandbox, world, monkeypatch, django_capture_on_commit_callbacks
):
    from advocacy.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)  # run the enqueued batch inline
    share = _post_for_real(sandbox, world.a.members["employee"], "linkedin")
    sandbox.clock(advance_seconds=3600)
    with django_capture_on_commit_callbacks(execute=True):
        summary = metrics_refresh_due.apply().get()
    assert (summary["batches"], summary["shares"]) == (1, 1)
    assert MetricSnapshot.objects.filter(share=share).count() == 1
    assert app.amqp.router.route({}, "social.tasks.metrics_refresh_batch")["queue"].name == (
        "metrics"
    )


def test_a_real_worker_runs_a_batch(sandbox, world, publishing_worker):
    share = _post_for_real(sandbox, world.a.members["employee"], "linkedin")
    sandbox.clock(advance_seconds=3600)
    due = metrics_due_select()
    outcome = metrics_refresh_batch.apply_async((due.batches[0],), ignore_result=False)
    assert outcome.get(timeout=30)["snapshots"] == 1
    share.refresh_from_db()
    assert share.impressions is not None
