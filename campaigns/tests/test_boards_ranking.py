"""Leaderboards: ranking, ties, neighbours at the edges, periods in the organization's time
zone, anonymity, and the same answer from Redis, from a rebuild and from the database."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from advocacy.models import Role
from campaigns.selectors import boards as sel
from campaigns.services.boards import board_anonymity_set, board_rebuild
from tests.factories import DepartmentFactory, MembershipFactory, OrganizationFactory

from .boards_support import clean_boards, earn, ranking, window
from .factories import CampaignFactory

pytestmark = pytest.mark.django_db
__all__ = ["clean_boards"]


def _board(org, **params):
    return sel.board_resolve(org, {"period": "all", **params})


def _both(board, viewer, **kw):
    """(Redis answer, database answer); the board is rebuilt first if Redis misses it."""
    db = sel.board_read(board, viewer=viewer, use_redis=False, **kw)
    if sel.boards_redis() is None:
        return db, db
    if board_rebuild(board) < 0:
        pytest.skip("Redis is not reachable")
    redis = sel.board_read(board, viewer=viewer, **kw)
    assert redis.source == "redis"
    return redis, db


@pytest.fixture
def crowd(clean_boards):
    """12 members: scores 120, 110, 100, 100, 100, 70, ... with a three-way tie."""
    org = OrganizationFactory.create()
    members = [MembershipFactory.create(organization=org) for _ in range(12)]
    scores = [120, 110, 100, 100, 100, 70, 60, 50, 40, 30, 20, 10]
    # Earn in an order unrelated to ids, so ties are ordered by id and not by arrival.
    for member, score in reversed(list(zip(members, scores, strict=True))):
        earn(member, score)
    return org, members


def test_top_ranks_ties_by_competition_and_orders_them_by_membership_id(crowd):
    org, m = crowd
    for result in _both(_board(org), m[0]):
        assert ranking(result)[:6] == [
            (1, m[0].pk, 120),
            (2, m[1].pk, 110),
            (3, m[2].pk, 100),
            (3, m[3].pk, 100),
            (3, m[4].pk, 100),
            (6, m[5].pk, 70),
        ]
        assert len(result.top) == 10
        assert result.participants == 12


def test_neighbours_in_the_middle_and_at_both_edges(crowd):
    org, m = crowd
    board = _board(org)
    for result in _both(board, m[3]):
        assert result.me is not None and (result.me.rank, result.me.score) == (3, 100)
        assert [r.membership_id for r in result.neighbours] == [
            m[1].pk,
            m[2].pk,
            m[3].pk,
            m[4].pk,
            m[5].pk,
        ]
    for result in _both(board, m[0]):
        assert window(result) == [(1, m[0].pk, 120), (2, m[1].pk, 110), (3, m[2].pk, 100)]
    for result in _both(board, m[11]):
        assert window(result) == [(10, m[9].pk, 30), (11, m[10].pk, 20), (12, m[11].pk, 10)]


def test_a_member_without_points_has_no_rank_but_sees_the_top(crowd):
    org, _m = crowd
    newcomer = MembershipFactory.create(organization=org)
    for result in _both(_board(org), newcomer):
        assert result.me is None and result.neighbours == []
        assert len(result.top) == 10


def test_rank_thirty_thousand_style_far_down_the_board(clean_boards):
    org = OrganizationFactory.create()
    members = [MembershipFactory.create(organization=org) for _ in range(40)]
    for i, member in enumerate(members):
        earn(member, 1000 - i * 10)
    for result in _both(_board(org), members[30]):
        assert result.me.rank == 31
        assert [r.rank for r in result.neighbours] == [29, 30, 31, 32, 33]
        assert result.top[0].membership_id == members[0].pk


def test_deactivated_members_never_show(crowd):
    org, m = crowd
    board = _board(org)
    if sel.boards_redis() is not None:
        board_rebuild(board)
    m[0].is_active = False
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        m[0].save(update_fields=["is_active", "deactivated_at"])
    for result in (
        sel.board_read(board, viewer=m[1]),
        sel.board_read(board, viewer=m[1], use_redis=False),
    ):
        assert m[0].pk not in [r.membership_id for r in result.top]
        assert result.top[0].membership_id == m[1].pk and result.top[0].rank == 1
        assert result.participants == 11


def test_a_stale_redis_board_drops_a_deactivated_member_on_read(crowd):
    org, m = crowd
    board = _board(org)
    if sel.boards_redis() is None or board_rebuild(board) < 0:
        pytest.skip("needs Redis")
    type(m[0]).objects.filter(pk=m[0].pk).update(is_active=False)  # no signal: stale board
    result = sel.board_read(board, viewer=m[1])
    assert result.source == "redis"
    assert result.top[0].membership_id == m[1].pk


def test_anonymous_members_are_a_colleague_in_their_department_to_everyone_else(clean_boards):
    org = OrganizationFactory.create()
    sales = DepartmentFactory.create(organization=org, name="Sales")
    shy = MembershipFactory.create(organization=org, department=sales)
    shy_nodept = MembershipFactory.create(organization=org)
    manager = MembershipFactory.create(organization=org, role=Role.MANAGER)
    earn(shy, 50)
    earn(shy_nodept, 40)
    earn(manager, 10)
    board_anonymity_set(actor=shy, anonymous=True)
    board_anonymity_set(actor=shy_nodept, anonymous=True)
    for viewer in (manager, shy_nodept):
        for result in _both(_board(org), viewer):
            names = {r.membership_id: r.name for r in result.top}
            assert names[shy.pk] == "A colleague in Sales"
            assert shy.user.name not in names.values()
    for result in _both(_board(org), manager):
        assert {r.membership_id: r.name for r in result.top}[shy_nodept.pk] == "A colleague"
    for result in _both(_board(org), shy):
        mine = next(r for r in result.top if r.is_me)
        assert mine.name == shy.user.name and not mine.anonymous


def test_periods_follow_the_organization_time_zone(clean_boards):
    org = OrganizationFactory.create(time_zone="Pacific/Auckland")
    member = MembershipFactory.create(organization=org)
    other = MembershipFactory.create(organization=org)
    zone = ZoneInfo("Pacific/Auckland")
    # Monday 00:30 in Auckland is still Sunday in UTC: it belongs to Monday's week there.
    monday = datetime(2026, 11, 30, 0, 30, tzinfo=zone)
    now = monday + timedelta(hours=1)
    earn(member, 30, at=monday)
    earn(other, 20, at=monday - timedelta(hours=1))  # Sunday 23:30 local: last week
    week = sel.board_resolve(org, {"period": "week"}, now=now)
    assert week.starts_at == datetime(2026, 11, 30, tzinfo=zone)
    assert week.period_label == "w20261130"
    for result in _both(week, member):
        assert [(r.membership_id, r.score) for r in result.top] == [(member.pk, 30)]
    month = sel.board_resolve(org, {"period": "month"}, now=now)
    assert (month.starts_at, month.ends_at) == (
        datetime(2026, 11, 1, tzinfo=zone),
        datetime(2026, 12, 1, tzinfo=zone),
    )
    quarter = sel.board_resolve(org, {"period": "quarter"}, now=now)
    assert quarter.starts_at == datetime(2026, 10, 1, tzinfo=zone)
    year = sel.board_resolve(org, {"period": "year"}, now=now)
    assert year.ends_at == datetime(2027, 1, 1, tzinfo=zone)
    for result in _both(month, member):
        assert [(r.membership_id, r.score) for r in result.top] == [(member.pk, 30), (other.pk, 20)]


def test_live_board_equals_rebuilt_board_equals_database_with_ties_and_reversals(clean_boards):
    if sel.boards_redis() is None:
        pytest.skip("needs Redis")
    org = OrganizationFactory.create()
    dept = DepartmentFactory.create(organization=org)
    members = [
        MembershipFactory.create(organization=org, department=dept, location="Vilnius")
        for _ in range(15)
    ]
    campaign = CampaignFactory.create(organization=org)
    boards = [
        sel.board_resolve(org, {"board": "overall", "period": p}) for p in sel.CALENDAR_PERIODS
    ] + [
        sel.board_resolve(org, {"board": "department", "department": dept.pk, "period": "all"}),
        sel.board_resolve(org, {"board": "location", "location": "Vilnius", "period": "week"}),
        sel.board_resolve(org, {"board": "campaign", "campaign": campaign.pk}),
    ]
    for board in boards:
        board_rebuild(board)  # built (empty), so live moves apply from here on
    now = timezone.now()
    for i, member in enumerate(members):
        earn(member, 10 * (i % 4) + 5, campaign_id=campaign.pk if i % 2 else None)
        earn(member, 7, at=now - timedelta(days=400))
    earn(members[3], -15)  # a reversal: back to a tie
    earn(members[1], -5)
    earn(members[1], 5)
    for board in boards:
        live = sel.board_read(board, viewer=members[5], top_n=50, around=3)
        assert live.source == "redis"
        db = sel.board_read(board, viewer=members[5], top_n=50, around=3, use_redis=False)
        board_rebuild(board)
        rebuilt = sel.board_read(board, viewer=members[5], top_n=50, around=3)
        assert ranking(live) == ranking(rebuilt) == ranking(db), board.key
        assert window(live) == window(rebuilt) == window(db), board.key
        assert live.participants == rebuilt.participants == db.participants


def test_the_command_rebuilds_every_board_the_same(crowd):
    if sel.boards_redis() is None:
        pytest.skip("needs Redis")
    org, m = crowd
    board = _board(org)
    db = sel.board_read(board, viewer=m[4], use_redis=False)
    call_command("rebuild_leaderboards", "--org", org.slug, stdout=io.StringIO())
    live = sel.board_read(board, viewer=m[4])
    assert live.source == "redis"
    assert ranking(live) == ranking(db) and window(live) == window(db)


def test_a_missed_board_answers_from_the_database_and_schedules_a_rebuild(crowd, monkeypatch):
    if sel.boards_redis() is None:
        pytest.skip("needs Redis")
    org, m = crowd
    calls = []
    from campaigns.tasks import boards as tasks

    monkeypatch.setattr(tasks.bulk_leaderboard_rebuild, "delay", lambda *a: calls.append(a))
    board = _board(org)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        result = sel.board_read(board, viewer=m[0])
    assert result.source == "database" and ranking(result)[0] == (1, m[0].pk, 120)
    assert calls == [(org.pk, board.params())]
    tasks.bulk_leaderboard_rebuild(*calls[0])
    assert sel.board_read(board, viewer=m[0]).source == "redis"


def test_redis_down_answers_from_the_database(crowd):
    org, m = crowd
    from social.tests.redis_support import free_port

    board = _board(org)
    built = sel.boards_redis() is not None and board_rebuild(board) >= 0
    with override_settings(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"):
        sel.boards_redis_reset()
        result = sel.board_read(board, viewer=m[3])
        assert result.source == "database"
        assert ranking(result)[0] == (1, m[0].pk, 120)
        assert result.me is not None and result.me.rank == 3
        # Points still go in the ledger while Redis is away.
        earn(m[11], 500)
        after = sel.board_read(board, viewer=m[11])
        assert after.me is not None and after.me.rank == 1
    sel.boards_redis_reset()
    if built:
        # Redis is back: the board that missed the entry is dropped at the next move and
        # rebuilt from the ledger, never served stale.
        earn(m[10], 1)
        assert sel.board_read(board, viewer=m[11]).source == "database"
        board_rebuild(board)
        again = sel.board_read(board, viewer=m[11])
        assert again.source == "redis" and again.me is not None and again.me.rank == 1


@override_settings(REDIS_URL="")
def test_without_redis_the_database_answers(crowd):
    org, m = crowd
    sel.boards_redis_reset()
    result = sel.board_read(_board(org), viewer=m[2])
    assert result.source == "database" and result.me is not None and result.me.rank == 3


def test_campaign_board_by_goal_metric_from_the_campaigns_shares(clean_boards):
    from social.models import ShareState
    from social.tests.factories import ShareFactory

    org = OrganizationFactory.create()
    a, b, c = (MembershipFactory.create(organization=org) for _ in range(3))
    campaign = CampaignFactory.create(organization=org)
    ShareFactory.create(
        membership=a,
        campaign=campaign,
        state=ShareState.PUBLISHED,
        impressions=300,
        reactions=2,
        comments=1,
        reshares=None,
        clicks=4,
    )
    ShareFactory.create(
        membership=b,
        campaign=campaign,
        state=ShareState.PUBLISHED,
        impressions=None,
        reactions=10,
        comments=0,
        reshares=1,
        clicks=1,
    )
    ShareFactory.create(membership=b, campaign=campaign, state=ShareState.FAILED, impressions=999)
    ShareFactory.create(membership=c, state=ShareState.PUBLISHED, impressions=5000)  # no campaign
    expect = {
        "impressions": [(1, a.pk, 300)],
        "engagement": [(1, b.pk, 11), (2, a.pk, 3)],
        "clicks": [(1, a.pk, 4), (2, b.pk, 1)],
    }
    for metric, rows in expect.items():
        board = sel.board_resolve(
            org, {"board": "campaign", "campaign": campaign.pk, "metric": metric}
        )
        for result in _both(board, b):
            assert ranking(result) == rows, metric


def test_bad_parameters_name_their_fields():
    from django.core.exceptions import ValidationError

    org = OrganizationFactory.create()
    other_campaign = CampaignFactory.create()
    cases = [
        ({"board": "galaxy"}, "board"),
        ({"period": "decade"}, "period"),
        ({"metric": "likes"}, "metric"),
        ({"metric": "impressions"}, "metric"),
        ({"board": "campaign", "campaign": "x"}, "campaign"),
        ({"board": "campaign", "campaign": other_campaign.pk}, "campaign"),
        ({"board": "campaign", "campaign": 1, "period": "week"}, "period"),
        ({"board": "department", "department": "999999"}, "department"),
        ({"board": "location", "location": ""}, "location"),
        ({"board": "location", "location": "Vil\x00nius"}, "location"),
        ({"period": "campaign"}, "period"),
    ]
    for params, field in cases:
        with pytest.raises(ValidationError) as caught:
            sel.board_resolve(org, params)
        assert field in caught.value.message_dict, params


@pytest.mark.django_db(transaction=True)
def test_entries_recorded_during_a_rebuild_are_neither_lost_nor_counted_twice(
    postgres_only, clean_boards
):
    """A rebuild reads the ledger in one snapshot; meanwhile another connection records
    entries (committed after the snapshot) and the board is moved. The rebuilt board
    must count each of them exactly once."""
    import threading

    from django.db import close_old_connections

    if sel.boards_redis() is None:
        pytest.skip("needs Redis")
    org = OrganizationFactory.create()
    members = [MembershipFactory.create(organization=org) for _ in range(4)]
    for i, member in enumerate(members):
        earn(member, 10 * (i + 1))
    board = _board(org)
    assert board_rebuild(board) == 4

    def record_elsewhere() -> None:
        def work() -> None:
            try:
                earn(members[0], 100)  # committed after the snapshot: not in it
                earn(members[3], -40)  # back to 0: leaves the board
            finally:
                close_old_connections()

        thread = threading.Thread(target=work)
        thread.start()
        thread.join()

    assert board_rebuild(board, after_snapshot=record_elsewhere) == 4  # the snapshot's count
    live = sel.board_read(board, viewer=members[0])
    db = sel.board_read(board, viewer=members[0], use_redis=False)
    assert live.source == "redis"
    assert (
        ranking(live)
        == ranking(db)
        == [
            (1, members[0].pk, 110),
            (2, members[2].pk, 30),
            (3, members[1].pk, 20),
        ]
    )
    # And the next rebuild (no concurrency) agrees.
    board_rebuild(board)
    assert ranking(sel.board_read(board, viewer=members[0])) == ranking(db)
