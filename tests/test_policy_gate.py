"""The sharing gate tells a first acceptance of the social-media policy from a
re-acceptance after a version that everyone must accept again (guidelines + social)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from guidelines import selectors, services
from guidelines.models import DocumentKind
from social.services.share_checks import share_policy_check


@pytest.fixture
def policy(world):
    admin = world.a.members["admin"]
    document = services.policy_document_create(
        actor=admin, kind=DocumentKind.POLICY, title="Social-media policy", body_markdown="Be kind."
    )
    services.policy_version_publish(actor=admin, version=document.versions.get())
    return document


def _republish(world, document, body, **kw):
    admin = world.a.members["admin"]
    draft = services.policy_version_draft_save(actor=admin, document=document, body_markdown=body)
    return services.policy_version_publish(actor=admin, version=draft, **kw)


def _message(membership) -> str:
    with pytest.raises(ValidationError) as exc:
        share_policy_check(membership=membership)
    [message] = exc.value.message_dict["policy"]
    return message


def test_first_acceptance(world, policy):
    member = world.a.members["employee"]
    pending = selectors.policy_acknowledgement_required(membership=member)
    assert pending is not None and pending.accepted_number is None
    message = _message(member)
    assert message.startswith("Before you share, please read and accept “Social-media policy”")
    assert f"/o/{world.a.org.slug}/guidelines/{policy.pk}/" in message


def test_re_acceptance_names_the_versions(world, policy):
    member = world.a.members["employee"]
    services.policy_acknowledge(actor=member, version=policy.versions.get())
    share_policy_check(membership=member)  # accepted: nothing to say
    _republish(world, policy, "Be kind. Be honest.")  # no re-acceptance needed
    share_policy_check(membership=member)
    _republish(world, policy, "Be kind, honest and brief.", requires_reacknowledgement=True)
    pending = selectors.policy_acknowledgement_required(membership=member)
    assert pending is not None and (pending.number, pending.accepted_number) == (3, 1)
    message = _message(member)
    assert message.startswith(
        "“Social-media policy” changed since you accepted version 1: review version 3"
    )
    assert f"/o/{world.a.org.slug}/guidelines/{policy.pk}/" in message


def test_composer_tells_the_two_cases_apart(world, policy, client):
    from content_library.tests.factories import ApprovedItemFactory

    member = world.a.members["employee"]
    item = ApprovedItemFactory.create(organization=world.a.org)
    client.force_login(member.user)
    pages = (
        reverse("share_compose", kwargs={"org_slug": world.a.org.slug, "item_id": item.pk}),
        reverse("content_item", kwargs={"org_slug": world.a.org.slug, "item_id": item.pk}),
    )
    first = [client.get(url).content.decode() for url in pages]
    services.policy_acknowledge(actor=member, version=policy.versions.get())
    _republish(world, policy, "Be brief.", requires_reacknowledgement=True)
    again = [client.get(url).content.decode() for url in pages]
    for before, after in zip(first, again, strict=True):
        assert "since you accepted version 1" not in before
        assert "The policy changed since you accepted version 1: review version 2" in after
