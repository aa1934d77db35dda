"""Factories for campaigns, the points ledger, rewards and raffles."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import factory
from django.utils import timezone

from campaigns.models import (
    Amplification,
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
from social.models import OrganizationAccount, OrganizationAccountKind
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


# --- Company-page amplification ----------------------------------------------------------


class OrganizationAccountFactory(factory.django.DjangoModelFactory[OrganizationAccount]):
    class Meta:
        model = OrganizationAccount
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    network = "linkedin"
    kind = OrganizationAccountKind.LINKEDIN_PAGE
    external_id = factory.Sequence(lambda n: f"urn:li:organization:{9000 + n}")
    display_name = factory.Sequence(lambda n: f"Company page {n}")

    @factory.post_generation
    def token(
        account: OrganizationAccount, create: bool, extracted: str | None, **kwargs: object
    ) -> None:
        account.set_token(
            access_token=extracted or f"page-token-{account.external_id}", expires_at=None
        )
        if create:
            account.save()


class AmplificationFactory(factory.django.DjangoModelFactory[Amplification]):
    class Meta:
        model = Amplification

    share = factory.SubFactory(
        "social.tests.factories.ShareFactory",
        state="published",
        external_id=factory.Sequence(lambda n: f"urn:li:share:{7100000000000000000 + n}"),
    )
    organization = factory.LazyAttribute(lambda o: o.share.organization)
    account = factory.SubFactory(
        OrganizationAccountFactory, organization=factory.SelfAttribute("..organization")
    )
    network = "linkedin"
    comment = "Proud of our team"
