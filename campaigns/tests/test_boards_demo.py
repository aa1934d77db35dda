"""The leaderboards demo: idempotent, one anonymous member, boards with movement."""

from __future__ import annotations

import pytest
from django.test import TestCase

from advocacy.demo import DemoMembers
from campaigns.demo import boards as demo
from campaigns.models import PointsBalance, PointsEntry
from campaigns.selectors import boards as sel

from .boards_support import clean_boards

pytestmark = pytest.mark.django_db
__all__ = ["clean_boards"]


def test_demo_is_idempotent_and_boards_move_between_weeks(world, clean_boards):
    t = world.a
    members = DemoMembers(memberships=list(t.members.values()))
    with TestCase.captureOnCommitCallbacks(execute=True):
        demo.seed(organization=t.org, members=members)
    entries = PointsEntry.objects.filter(organization=t.org).count()
    assert entries == demo.WEEKS * len(members)
    with TestCase.captureOnCommitCallbacks(execute=True):
        demo.seed(organization=t.org, members=members)
    assert PointsEntry.objects.filter(organization=t.org).count() == entries
    anonymous = PointsBalance.objects.filter(organization=t.org, anonymous_on_boards=True)
    assert list(anonymous.values_list("membership_id", flat=True)) == [members.employees[-1].pk]
    week = sel.board_read(sel.board_resolve(t.org, {"period": "week"}), viewer=members.admin)
    everything = sel.board_read(sel.board_resolve(t.org, {"period": "all"}), viewer=members.admin)
    assert week.participants == everything.participants == len(members)
    assert [r.score for r in week.top] != [r.score for r in everything.top]
    if sel.boards_redis() is not None:
        assert everything.source == "redis"
