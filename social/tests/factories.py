"""Factories for the social app (tokens go through the model's encrypting setter)."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from advocacy.networks import Network
from content_library.models import Kind
from content_library.tests.factories import ApprovedItemFactory
from social.models import AccountKind, NetworkAccount, Share, ShareMethod, ShareState
from tests.factories import MembershipFactory, UserFactory


class NetworkAccountFactory(factory.django.DjangoModelFactory[NetworkAccount]):
    class Meta:
        model = NetworkAccount
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    network = Network.LINKEDIN
    kind = AccountKind.MEMBER
    external_id = factory.Sequence(lambda n: f"member-{n}")
    display_name = factory.Faker("name")
    audience_size = 500

    @factory.post_generation
    def token(
        account: NetworkAccount, create: bool, extracted: str | None, **kwargs: object
    ) -> None:
        account.set_tokens(
            access_token=extracted or f"token-{account.external_id}",
            expires_at=timezone.now() + timedelta(days=60),
        )
        if create:
            account.save()


class ShareFactory(factory.django.DjangoModelFactory[Share]):
    class Meta:
        model = Share

    membership = factory.SubFactory(MembershipFactory)
    organization = factory.LazyAttribute(lambda o: o.membership.organization)
    item = factory.LazyAttribute(
        lambda o: ApprovedItemFactory(
            organization=o.organization, kind=Kind.LINK, url="https://example.com/news"
        )
    )
    account = factory.LazyAttribute(lambda o: NetworkAccountFactory(user=o.membership.user))
    network = Network.LINKEDIN
    method = ShareMethod.API
    caption = "Proud of the team"
    state = ShareState.QUEUED
