"""Factories for campaigns, the points ledger, rewards and raffles."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import factory
from django.utils import timezone

from campaigns.models import (
    Campaign,
    CampaignItem,
    CampaignStatus,
    PointsAction,
    PointsBalance,
    PointsEntry,
    PointsRule,
    Raffle,
    Redemption,
    Reward,
)
from tests.factories import MembershipFactory, OrganizationFactory


class CampaignFactory(factory.django.DjangoModelFactory[Campaign]):
    class Meta:
        model = Campaign

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    description = "Share our news."
    hashtags = factory.LazyFunction(lambda: ["ToBeAPartner"])
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=13))
    status = CampaignStatus.LIVE


class CampaignItemFactory(factory.django.DjangoModelFactory[CampaignItem]):
    class Meta:
        model = CampaignItem

    campaign = factory.SubFactory(CampaignFactory)
    organization = factory.LazyAttribute(lambda o: o.campaign.organization)


class PointsRuleFactory(factory.django.DjangoModelFactory[PointsRule]):
    class Meta:
        model = PointsRule

    organization = factory.SubFactory(OrganizationFactory)
    action = PointsAction.SHARE_PUBLISHED
    points = 10


class PointsEntryFactory(factory.django.DjangoModelFactory[PointsEntry]):
    """A bare ledger row (no balance update): for reads. Writes go through the services."""

    class Meta:
        model = PointsEntry

    membership = factory.SubFactory(MembershipFactory)
    organization = factory.LazyAttribute(lambda o: o.membership.organization)
    action = PointsAction.SHARE_PUBLISHED
    points = 10
    spendable = factory.LazyAttribute(lambda o: o.points)
    dedupe_key = factory.Sequence(lambda n: f"test:{n}")


class PointsBalanceFactory(factory.django.DjangoModelFactory[PointsBalance]):
    class Meta:
        model = PointsBalance

    membership = factory.SubFactory(MembershipFactory)
    organization = factory.LazyAttribute(lambda o: o.membership.organization)


class RewardFactory(factory.django.DjangoModelFactory[Reward]):
    class Meta:
        model = Reward

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Reward {n}")
    cost = 100
    stock = 5


class RedemptionFactory(factory.django.DjangoModelFactory[Redemption]):
    class Meta:
        model = Redemption

    reward = factory.SubFactory(RewardFactory)
    organization = factory.LazyAttribute(lambda o: o.reward.organization)
    membership = factory.LazyAttribute(lambda o: MembershipFactory(organization=o.organization))
    cost = factory.LazyAttribute(lambda o: o.reward.cost)


def _seed() -> str:
    return secrets.token_hex(32)


class RaffleFactory(factory.django.DjangoModelFactory[Raffle]):
    class Meta:
        model = Raffle

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Raffle {n}")
    prize = "A team lunch"
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    seed = factory.LazyFunction(_seed)
    commitment = factory.LazyAttribute(lambda o: hashlib.sha256(bytes.fromhex(o.seed)).hexdigest())
    pseudonym_key = factory.LazyFunction(_seed)
