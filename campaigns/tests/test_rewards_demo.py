"""The rewards demo: a catalogue with pictures and requests in every state, idempotent."""

from __future__ import annotations

import pytest

from advocacy.demo import DemoMembers
from campaigns.demo import rewards as rewards_demo
from campaigns.models import PointsBalance, PointsEntry, Redemption, Reward

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_state_and_running_it_twice_changes_nothing(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    tenant = world.a
    members = DemoMembers(memberships=list(tenant.members.values()))
    rewards_demo.seed(organization=tenant.org, members=members)
    statuses = set(Redemption.objects.for_org(tenant.org).values_list("status", flat=True))
    assert statuses == {"requested", "approved", "fulfilled", "rejected", "cancelled"}
    rewards = Reward.objects.for_org(tenant.org)
    assert rewards.count() == 6
    assert all(r.image and r.image_alt_text for r in rewards)
    assert rewards.filter(stock=0).exists() and rewards.filter(is_active=False).exists()
    assert rewards.filter(stock__isnull=True).exists()
    assert all(b.spendable >= 0 for b in PointsBalance.objects.for_org(tenant.org))
    counts = (Reward.objects.count(), Redemption.objects.count(), PointsEntry.objects.count())
    stock = list(rewards.order_by("pk").values_list("stock", flat=True))
    rewards_demo.seed(organization=tenant.org, members=members)
    assert (
        Reward.objects.count(),
        Redemption.objects.count(),
        PointsEntry.objects.count(),
    ) == counts
    assert list(rewards.order_by("pk").values_list("stock", flat=True)) == stock


def test_a_lithuanian_organization_gets_lithuanian_rewards(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    tenant = world.b
    tenant.org.default_language = "lt"
    tenant.org.save(update_fields=["default_language"])
    rewards_demo.seed(
        organization=tenant.org, members=DemoMembers(memberships=list(tenant.members.values()))
    )
    assert Reward.objects.for_org(tenant.org).filter(name="Įmonės džemperis").exists()
