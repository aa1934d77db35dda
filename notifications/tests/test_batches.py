"""The new-content batch: one notification per member and window, never one per item,
respecting targeting; nothing for a member with nothing new."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from advocacy.models import Role
from content_library.models import AudienceDimension, ContentAudience
from content_library.tests.factories import ApprovedItemFactory
from notifications.events import render
from notifications.models import Notification, OrganizationNotificationSettings
from notifications.services.batches import (
    content_batch_run,
    dangerously_organizations_with_new_content,
)
from notifications.tasks import bulk_content_batch

pytestmark = pytest.mark.django_db


def _approved(org, minutes_ago: int, **fields):
    at = timezone.now() - timedelta(minutes=minutes_ago)
    return ApprovedItemFactory.create(organization=org, approved_at=at, feed_at=at, **fields)


def test_many_items_make_one_notification_per_member(world):
    for n in range(5):
        _approved(world.a.org, minutes_ago=10 + n)
    told = content_batch_run(organization=world.a.org)
    assert told == len(world.a.members)
    employee = world.a.members[Role.EMPLOYEE]
    n = Notification.objects.get(membership=employee, event="content_new")
    assert n.params == {"count": 5}
    assert render(n.event, n.params)[0] == "5 new items to share"
    assert n.link == f"/o/{world.a.org.slug}/feed/"
    assert not Notification.objects.filter(organization=world.b.org).exists()


def test_the_next_batch_tells_only_what_is_new_since(world):
    _approved(world.a.org, minutes_ago=30)
    content_batch_run(organization=world.a.org)
    assert content_batch_run(organization=world.a.org) == 0  # nothing new: nothing sent
    _approved(world.a.org, minutes_ago=0)
    later = timezone.now() + timedelta(seconds=1)
    assert content_batch_run(organization=world.a.org, now=later) == len(world.a.members)
    employee = world.a.members[Role.EMPLOYEE]
    counts = sorted(
        n.params["count"]
        for n in Notification.objects.filter(membership=employee, event="content_new")
    )
    assert counts == [1, 1]


def test_targeting_decides_who_hears_about_an_item(world):
    item = _approved(world.a.org, minutes_ago=5)
    item.targets_roles = True
    item.save()
    ContentAudience.objects.create(
        organization=world.a.org, item=item, dimension=AudienceDimension.ROLE, value=Role.MANAGER
    )
    content_batch_run(organization=world.a.org)
    told = set(
        Notification.objects.filter(event="content_new").values_list("membership__role", flat=True)
    )
    assert told == {Role.MANAGER}


def test_old_items_and_other_languages_are_not_announced(world):
    _approved(world.a.org, minutes_ago=60 * 30)  # before the lookback
    _approved(world.a.org, minutes_ago=5, language="lt")  # not the members' language
    assert content_batch_run(organization=world.a.org) == 0
    row = OrganizationNotificationSettings.objects.get(organization=world.a.org)
    assert row.content_batch_at is not None


def test_the_sweep_finds_organizations_with_new_items_and_runs_them(world):
    _approved(world.b.org, minutes_ago=5)
    assert list(dangerously_organizations_with_new_content()) == [world.b.org.pk]
    assert bulk_content_batch() == len(world.b.members)
    assert not Notification.objects.filter(organization=world.a.org).exists()
