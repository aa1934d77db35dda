"""The raffles demo: an open raffle on the live campaign, a drawn and verified one on the
ended campaign; nothing without campaigns; idempotent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from advocacy.demo import DemoMembers
from campaigns.demo import raffles as demo
from campaigns.models import CampaignStatus, Raffle, RaffleStatus
from campaigns.raffle_draw import verify_proof
from campaigns.selectors.raffles import raffle_proof

from .factories import CampaignFactory
from .raffle_support import members, published_shares

pytestmark = pytest.mark.django_db


def test_without_campaigns_the_demo_seeds_no_raffle(world):
    demo.seed(organization=world.a.org, members=DemoMembers(list(world.a.members.values())))
    assert not Raffle.objects.exists()


def test_an_open_raffle_on_the_live_campaign_and_a_verified_draw_on_the_ended_one(world):
    now = timezone.now()
    live = CampaignFactory.create(organization=world.a.org)
    ended = CampaignFactory.create(
        organization=world.a.org,
        status=CampaignStatus.ENDED,
        starts_at=now - timedelta(days=30),
        ends_at=now - timedelta(days=10),
    )
    for member in members(world.a, 3):
        published_shares(member, ended, 1, published_at=now - timedelta(days=20))
    team = DemoMembers(list(world.a.members.values()))
    demo.seed(organization=world.a.org, members=team)
    demo.seed(organization=world.a.org, members=team)
    assert Raffle.objects.filter(organization=world.a.org).count() == 2
    assert Raffle.objects.get(campaign=live).status == RaffleStatus.OPEN
    drawn = Raffle.objects.get(campaign=ended)
    assert drawn.status == RaffleStatus.DRAWN
    proof = raffle_proof(drawn)
    assert len(proof["entries"]) == 3 and len(proof["winners"]) == 1
    assert verify_proof(proof) == []
