"""The hashtag demo: an Instagram business account in the sandbox and mentions, idempotent."""

from __future__ import annotations

import pytest

from advocacy.demo import DemoMembers
from campaigns.demo import hashtags as demo
from campaigns.models import HashtagMention
from social.models import OrganizationAccount

from .factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_demo_connects_and_finds_mentions_twice_the_same(sandbox, world):
    campaign = CampaignFactory.create(organization=world.a.org, hashtags=["ToBeAPartner"])
    members = DemoMembers(memberships=list(world.a.members.values()))

    demo.seed(organization=world.a.org, members=members)
    first = set(
        HashtagMention.objects.filter(campaign=campaign).values_list("external_id", flat=True)
    )
    demo.seed(organization=world.a.org, members=members)
    second = set(
        HashtagMention.objects.filter(campaign=campaign).values_list("external_id", flat=True)
    )

    assert len(first) == len(demo.PUBLIC_POSTS) and first == second
    assert OrganizationAccount.objects.filter(organization=world.a.org).count() == 1
