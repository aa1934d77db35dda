"""Factories of notifications; rows always belong to the recipient's organization."""

from __future__ import annotations

import factory

from tests.factories import MembershipFactory

from ..models import Notification


class NotificationFactory(factory.django.DjangoModelFactory[Notification]):
    class Meta:
        model = Notification

    membership = factory.SubFactory(MembershipFactory)
    organization = factory.LazyAttribute(lambda o: o.membership.organization)
    event = "suggestion_declined"
    params = factory.LazyFunction(lambda: {"title": "Our new oven", "reason": "Off topic"})
    link = ""
    key = factory.Sequence(lambda n: f"test:{n}")
