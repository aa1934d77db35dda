"""Helpers of the share and composer tests (plain functions and fixtures, no conftest)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from advocacy.models import Membership, Organization
from content_library.models import ContentImage, Kind
from content_library.tests.factories import ApprovedItemFactory, CaptionFactory
from guidelines import services as guidelines_services
from guidelines.models import DocumentKind, PolicyDocument, RuleKind
from social.models import AccountKind, NetworkAccount
from social.tests.factories import NetworkAccountFactory


def _membership(org: Organization, actor: Any) -> Membership:
    """Guideline services act as a membership; these helpers also accept its user."""
    if isinstance(actor, Membership):
        return actor
    return Membership.objects.get(organization=org, user=actor)


def publish_policy(org: Organization, actor: Any) -> PolicyDocument:
    actor = _membership(org, actor)
    document = guidelines_services.policy_document_create(
        actor=actor,
        kind=DocumentKind.POLICY,
        title="Social media policy",
        body_markdown="# Share with care\n\nBe kind.",
    )
    guidelines_services.policy_version_publish(version=document.versions.get(), actor=actor)
    return document


def accept_policy(membership: Membership, document: PolicyDocument) -> None:
    version = document.versions.exclude(published_at=None).order_by("-number").first()
    assert version is not None, "publish the policy first"
    guidelines_services.policy_acknowledge(actor=membership, version=version)


def link_item(org: Organization, **fields: Any) -> Any:
    """An approved, live link item with a LinkedIn and an Instagram caption (no image)."""
    fields.setdefault("kind", Kind.LINK)
    fields.setdefault("url", "https://example.com/news/ovens")
    fields.setdefault("title", "Acme ovens go electric")
    item = ApprovedItemFactory.create(organization=org, **fields)
    CaptionFactory.create(
        item=item, network="linkedin", text="Proud of our electric ovens", position=0
    )
    CaptionFactory.create(item=item, network="linkedin", text="Electric ovens, at last", position=1)
    CaptionFactory.create(item=item, network="x", text="Ovens go electric", position=0)
    return item


def image_item(org: Organization, **fields: Any) -> Any:
    """A link item whose link preview has an image (Instagram can take it)."""
    fields.setdefault("preview_image_url", "https://example.com/ovens.png")
    item = link_item(org, **fields)
    CaptionFactory.create(item=item, network="instagram", text="Ovens, electric ⚡", position=0)
    return item


def uploaded_image_item(org: Organization, image_bytes: bytes, **fields: Any) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    fields.setdefault("kind", Kind.IMAGE)
    item = link_item(org, **fields)
    CaptionFactory.create(item=item, network="instagram", text="Ovens, electric ⚡", position=0)
    ContentImage.objects.create(
        organization=org,
        item=item,
        image=SimpleUploadedFile("ovens.png", image_bytes, content_type="image/png"),
        alt_text="An electric oven",
        width=120,
        height=63,
    )
    return item


def account(membership: Membership, network: str = "linkedin", **fields: Any) -> NetworkAccount:
    kind = {
        "linkedin": AccountKind.MEMBER,
        "instagram": AccountKind.PROFESSIONAL,
        "facebook": AccountKind.PAGE,
    }.get(network, AccountKind.MEMBER)
    fields.setdefault("kind", kind)
    return NetworkAccountFactory.create(user=membership.user, network=network, **fields)


def banned_term_rule(org: Organization, actor: Any, term: str = "confidential") -> Any:
    return guidelines_services.guideline_rule_create(
        actor=_membership(org, actor),
        kind=RuleKind.BANNED_TERM,
        networks=[],
        pattern=term,
        replacement="",
        max_length=None,
        severity="block",
        message="",
    )


@pytest.fixture
def eager_publishing(settings: Any) -> Iterator[None]:
    """Publishing tasks run where they are enqueued (on commit), against the sandbox."""
    from advocacy.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SOCIAL_INSTAGRAM_POLL_SECONDS = 0
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    cache.clear()
    yield
    app.conf.task_always_eager = previous
