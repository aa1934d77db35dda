"""The demo: a notification of every kind a member can receive, idempotent."""

from __future__ import annotations

import pytest

from advocacy.demo import DemoMembers
from advocacy.models import Role
from notifications import demo
from notifications.models import ChatChannel, Notification
from notifications.selectors import events_for, unread_count

pytestmark = pytest.mark.django_db


def test_demo_notifications_cover_every_kind_and_seed_once(world):
    members = DemoMembers(memberships=list(world.a.members.values()))
    demo.seed(organization=world.a.org, members=members)
    demo.seed(organization=world.a.org, members=members)
    manager = world.a.members[Role.MANAGER]
    kinds = set(Notification.objects.filter(membership=manager).values_list("event", flat=True))
    assert kinds == {e.kind for e in events_for(manager)}
    assert unread_count(membership=manager) == 3
    assert not Notification.objects.filter(organization=world.b.org).exists()
    channels = ChatChannel.objects.for_org(world.a.org)
    assert sorted(channels.values_list("kind", flat=True)) == ["slack", "teams"]
