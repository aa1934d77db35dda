"""Factories for the content library; objects always belong to one organization."""

from __future__ import annotations

import uuid

import factory
from django.utils import timezone

from tests.factories import MembershipFactory, OrganizationFactory

from ..models import (
    ContentItem,
    ContentSuggestion,
    FeedSource,
    Kind,
    Status,
    SuggestedCaption,
    Topic,
)


class ContentItemFactory(factory.django.DjangoModelFactory[ContentItem]):
    class Meta:
        model = ContentItem

    organization = factory.SubFactory(OrganizationFactory)
    kind = Kind.TEXT
    title = factory.Sequence(lambda n: f"Item {n}")
    body = "Something worth sharing."
    language = factory.LazyAttribute(lambda o: o.organization.default_language)
    translation_group = factory.LazyFunction(uuid.uuid4)
    status = Status.DRAFT


class ApprovedItemFactory(ContentItemFactory):
    """An approved, live item, as if ``content_item_approve`` had run."""

    status = Status.APPROVED
    publish_at = None
    approved_at = factory.LazyFunction(timezone.now)
    feed_at = factory.LazyAttribute(lambda o: o.publish_at or o.approved_at)


class CaptionFactory(factory.django.DjangoModelFactory[SuggestedCaption]):
    class Meta:
        model = SuggestedCaption

    item = factory.SubFactory(ContentItemFactory)
    organization = factory.LazyAttribute(lambda o: o.item.organization)
    network = "linkedin"
    text = factory.Sequence(lambda n: f"Proud of this, take {n}")


class TopicFactory(factory.django.DjangoModelFactory[Topic]):
    class Meta:
        model = Topic

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Topic {n}")


class SuggestionFactory(factory.django.DjangoModelFactory[ContentSuggestion]):
    class Meta:
        model = ContentSuggestion

    organization = factory.SubFactory(OrganizationFactory)
    submitted_by = factory.SubFactory(
        MembershipFactory, organization=factory.SelfAttribute("..organization")
    )
    kind = "link"
    url = factory.Sequence(lambda n: f"https://example.com/article-{n}")
    note = "Worth a look"


class FeedSourceFactory(factory.django.DjangoModelFactory[FeedSource]):
    class Meta:
        model = FeedSource

    organization = factory.SubFactory(OrganizationFactory)
    name = "Industry news"
    url = factory.Sequence(lambda n: f"https://example.com/feed-{n}.xml")
    language = "en"
    is_paused = True
