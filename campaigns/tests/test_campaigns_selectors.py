"""A campaign's figures: progress per goal (unknown stays unknown), results by department and
network, participants, top posts and the daily trend in the organization's time zone, each in
a bounded number of queries."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from advocacy.models import Role
from campaigns.models import GoalMetric
from campaigns.selectors import campaigns as sel
from campaigns.tests.factories import CampaignFactory
from social.models import ClickEvent, ShareState, TrackedLink
from social.tests.factories import ShareFactory
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

VILNIUS = ZoneInfo("Europe/Vilnius")


def _share(campaign, membership, **kw):
    kw.setdefault("state", ShareState.PUBLISHED)
    kw.setdefault("published_at", campaign.starts_at + timedelta(hours=1))
    return ShareFactory.create(
        organization=campaign.organization, membership=membership, campaign=campaign, **kw
    )


@pytest.fixture
def setup(world):
    org = world.a.org
    org.time_zone = "Europe/Vilnius"
    org.save()
    start = datetime(2026, 11, 2, 0, 30, tzinfo=VILNIUS)  # 1 November 22:30 UTC
    campaign = CampaignFactory.create(
        organization=org, starts_at=start, ends_at=start + timedelta(days=10)
    )
    ops = DepartmentFactory.create(organization=org, name="Operations")
    ana = world.a.members[Role.EMPLOYEE]  # Sales
    ben = MembershipFactory.create(organization=org, user=UserFactory.create(), department=ops)
    shares = [
        _share(campaign, ana, impressions=100, reach=80, reactions=5, comments=1, clicks=7),
        _share(
            campaign,
            ana,
            network="x",
            impressions=None,
            reach=None,
            clicks=2,
            published_at=start + timedelta(days=1),
        ),
        _share(
            campaign,
            ben,
            impressions=50,
            reach=None,
            saves=2,
            clicks=1,
            published_at=start + timedelta(days=2),
        ),
        # Not published: only its clicks count (people clicked a link that was posted).
        _share(
            campaign, ben, state=ShareState.FAILED, published_at=None, impressions=999, clicks=3
        ),
    ]
    other = CampaignFactory.create(organization=org)
    _share(other, ana, impressions=10_000, clicks=100)
    return {"campaign": campaign, "ana": ana, "ben": ben, "shares": shares, "ops": ops}


def test_figures_and_progress_per_goal(setup):
    campaign = setup["campaign"]
    f = sel.campaign_figures(campaign=campaign)
    assert (f.shares, f.clicks, f.participants) == (3, 13, 2)
    assert (f.impressions, f.impressions_unknown) == (150, 1)
    assert (f.reach, f.reach_unknown) == (80, 2)
    assert (f.engagement, f.engagement_unknown) == (8, 1)
    expected = {
        GoalMetric.SHARES: (3, 0),
        GoalMetric.CLICKS: (13, 0),
        GoalMetric.IMPRESSIONS: (150, 1),
        GoalMetric.MEMBERS_REACHED: (80, 2),
        GoalMetric.ENGAGEMENT: (8, 1),
        GoalMetric.PARTICIPANTS: (2, 0),
    }
    for metric, (value, unknown) in expected.items():
        campaign.goal_metric, campaign.goal_target = metric, 10
        p = sel.campaign_progress(campaign=campaign, figures=f)
        assert (p.value, p.unknown) == (value, unknown), metric
        assert p.percent == min(100, value * 10)


def test_unknown_is_not_zero(world):
    campaign = CampaignFactory.create(organization=world.a.org, goal_metric=GoalMetric.IMPRESSIONS)
    _share(campaign, world.a.members[Role.EMPLOYEE], impressions=None)
    p = sel.campaign_progress(campaign=campaign)
    assert p.value is None and p.is_unknown and p.unknown == 1 and p.percent == 0
    empty = CampaignFactory.create(organization=world.a.org, goal_metric=GoalMetric.SHARES)
    assert sel.campaign_progress(campaign=empty).value == 0


def test_results_by_department_and_network(setup):
    campaign = setup["campaign"]
    by_dept = {r.label: r for r in sel.campaign_results_by_department(campaign=campaign)}
    assert by_dept["Sales"].shares == 2 and by_dept["Sales"].clicks == 9
    assert by_dept["Operations"].shares == 1 and by_dept["Operations"].clicks == 4
    assert by_dept["Operations"].impressions == 50
    by_net = {r.key: r for r in sel.campaign_results_by_network(campaign=campaign)}
    assert by_net["x"].shares == 1 and by_net["x"].impressions is None
    assert by_net["x"].impressions_unknown == 1
    assert by_net["linkedin"].shares == 2 and by_net["linkedin"].participants == 2


def test_participants_top_posts_and_own_contribution(setup):
    campaign = setup["campaign"]
    people = sel.campaign_participants(campaign=campaign)
    assert [(p.membership_id, p.shares, p.clicks) for p in people] == [
        (setup["ana"].pk, 2, 9),
        (setup["ben"].pk, 1, 1),
    ]
    campaign.goal_metric = GoalMetric.IMPRESSIONS
    top = sel.campaign_top_posts(campaign=campaign)
    assert [s.goal_value for s in top] == [100, 50, None]  # unknown last
    campaign.goal_metric = GoalMetric.ENGAGEMENT
    assert [s.goal_value for s in sel.campaign_top_posts(campaign=campaign)] == [6, 2, None]
    mine = sel.member_contribution(campaign=campaign, membership=setup["ben"])
    assert (mine.shares, mine.clicks) == (1, 4)


def test_trend_is_cumulative_per_day_in_the_organization_zone(setup):
    campaign = setup["campaign"]
    now = campaign.starts_at + timedelta(days=3, hours=1)
    trend = sel.campaign_trend(campaign=campaign, now=now)
    days = [(d.day.isoformat(), d.added, d.total) for d in trend.days]
    # The first share was published at 01:30 Vilnius time on 2 November (23:30 UTC on the 1st).
    assert days == [
        ("2026-11-02", 1, 1),
        ("2026-11-03", 1, 2),
        ("2026-11-04", 1, 3),
        ("2026-11-05", 0, 3),
    ]
    assert trend.days[-1].percent == 100 and trend.days[0].percent == 33
    campaign.goal_metric = GoalMetric.PARTICIPANTS
    totals = [d.total for d in sel.campaign_trend(campaign=campaign, now=now).days]
    assert totals == [1, 1, 2, 2]
    campaign.goal_metric = GoalMetric.IMPRESSIONS
    totals = [d.total for d in sel.campaign_trend(campaign=campaign, now=now).days]
    assert totals == [100, 100, 150, 150]


def test_click_trend_counts_people_on_the_day_they_clicked(setup):
    campaign = setup["campaign"]
    share = setup["shares"][0]
    link = TrackedLink.objects.create(
        organization=campaign.organization,
        share=share,
        item=share.item,
        code="abc123",
        target_url="https://example.com",
    )
    for n, (hours, bot) in enumerate([(1, False), (2, True), (30, False), (31, False)]):
        ClickEvent.objects.create(
            organization=campaign.organization,
            link=link,
            share=share,
            occurred_at=campaign.starts_at + timedelta(hours=hours),
            is_bot=bot,
            visitor_hash=str(n),
        )
    campaign.goal_metric = GoalMetric.CLICKS
    now = campaign.starts_at + timedelta(days=2)
    assert [(d.added, d.total) for d in sel.campaign_trend(campaign=campaign, now=now).days] == [
        (1, 1),
        (2, 3),
        (0, 3),
    ]


def test_every_read_is_bounded(world, django_assert_max_num_queries):
    campaign = CampaignFactory.create(organization=world.a.org)
    for n in range(12):
        member = MembershipFactory.create(
            organization=world.a.org,
            user=UserFactory.create(),
            department=DepartmentFactory.create(organization=world.a.org, name=f"D{n}"),
        )
        _share(campaign, member, impressions=n)
    for metric in GoalMetric.values:
        campaign.goal_metric = metric
        with django_assert_max_num_queries(8):
            sel.campaign_figures(campaign=campaign)
            sel.campaign_results_by_department(campaign=campaign)
            sel.campaign_results_by_network(campaign=campaign)
            sel.campaign_participants(campaign=campaign)
            list(sel.campaign_top_posts(campaign=campaign))
            sel.campaign_trend(campaign=campaign, now=timezone.now())
