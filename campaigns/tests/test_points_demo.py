"""The demo's ledgers come from the demo's own facts through the scoring, idempotently."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from advocacy.demo import DemoMembers
from advocacy.models import Role
from campaigns.demo import points as demo
from campaigns.models import PointsAction, PointsBalance, PointsEntry, PointsRule
from social.models import ClickEvent, MetricSnapshot, ShareState
from social.services.links import tracked_link_create
from social.tests.factories import ShareFactory

pytestmark = pytest.mark.django_db


def test_demo_ledger_is_derived_and_idempotent(world):
    t = world.a
    member = t.members[Role.EMPLOYEE]
    now = timezone.now()
    for days_ago in (2, 9, 16):
        published_at = now - timedelta(days=days_ago)
        share = ShareFactory.create(
            membership=member,
            state=ShareState.PUBLISHED,
            published_at=published_at,
            clicks=3,
            reactions=6,
        )
        link = tracked_link_create(share=share)
        ClickEvent.objects.bulk_create(
            [
                ClickEvent(
                    organization=t.org,
                    event_id=uuid.uuid4(),
                    link=link,
                    share=share,
                    occurred_at=published_at + timedelta(hours=h),
                    counted=True,
                    is_bot=h == 3,
                )
                for h in range(4)
            ]
        )
        for k, reactions in enumerate((2, 6)):
            MetricSnapshot.objects.create(
                organization=t.org,
                share=share,
                fetched_at=published_at + timedelta(days=k + 1),
                reactions=reactions,
            )
    members = DemoMembers(memberships=list(t.members.values()))
    demo.seed(organization=t.org, members=members)
    count = PointsEntry.objects.filter(organization=t.org).count()
    lifetime = PointsBalance.objects.get(membership=member).lifetime
    demo.seed(organization=t.org, members=members)
    assert PointsEntry.objects.filter(organization=t.org).count() == count
    assert PointsBalance.objects.get(membership=member).lifetime == lifetime
    actions = set(PointsEntry.objects.values_list("action", flat=True))
    assert {
        PointsAction.SHARE_PUBLISHED,
        PointsAction.HUMAN_CLICK,
        PointsAction.ENGAGEMENT,
        PointsAction.WEEKLY_STREAK,
    } <= actions
    # Spread over the past weeks, not all at once.
    days = {e.occurred_at.date() for e in PointsEntry.objects.filter(membership=member)}
    assert len(days) >= 5
    # Engagement replayed from snapshots: 2 then 4 more reactions per share.
    engagement = PointsEntry.objects.filter(action=PointsAction.ENGAGEMENT, membership=member)
    assert sorted(e.quantity for e in engagement) == [2, 2, 2, 4, 4, 4]
    assert PointsRule.objects.filter(organization=t.org).count() == 1


def test_backfill_command_and_streak_task(world):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from campaigns.tasks.points import points_weekly_streaks_org

    member = world.a.members[Role.EMPLOYEE]
    now = timezone.now()
    for weeks_ago in (1, 2):
        ShareFactory.create(
            membership=member,
            state=ShareState.PUBLISHED,
            published_at=now - timedelta(weeks=weeks_ago),
        )
    out = StringIO()
    call_command("points_backfill", world.a.org.slug, stdout=out)
    assert "entries added" in out.getvalue()
    assert PointsEntry.objects.filter(membership=member).exists()
    with pytest.raises(CommandError):
        call_command("points_backfill", "no-such-org")
    # The weekly task is idempotent: the backfill already scored last week's streak.
    assert points_weekly_streaks_org(world.a.org.pk) == 0
    assert points_weekly_streaks_org(987654) == 0
