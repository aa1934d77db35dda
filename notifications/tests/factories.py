"""Factories of notifications; rows always belong to the recipient's organization."""

from __future__ import annotations

import factory

from social import crypto
from tests.factories import MembershipFactory, OrganizationFactory

from ..models import ChatChannel, ChatKind, Notification


class NotificationFactory(factory.django.DjangoModelFactory[Notification]):
    class Meta:
        model = Notification

    membership = factory.SubFactory(MembershipFactory)
    organization = factory.LazyAttribute(lambda o: o.membership.organization)
    event = "suggestion_declined"
    params = factory.LazyFunction(lambda: {"title": "Our new oven", "reason": "Off topic"})
    link = ""
    key = factory.Sequence(lambda n: f"test:{n}")


class ChatChannelFactory(factory.django.DjangoModelFactory[ChatChannel]):
    """A Slack channel whose webhook is ``url`` (encrypted as the service stores it)."""

    class Meta:
        model = ChatChannel
        exclude = ("url",)

    organization = factory.SubFactory(OrganizationFactory)
    kind = ChatKind.SLACK
    name = factory.Sequence(lambda n: f"#channel-{n}")
    url = "https://hooks.slack.com/services/T000/B000/secret"
    url_encrypted = factory.LazyAttribute(lambda o: crypto.encrypt(o.url))
    url_hint = "hooks.slack.com/…cret"
    events = factory.LazyFunction(lambda: ["content_new"])
