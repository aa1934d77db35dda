"""Counting a campaign's hashtag in shares made through Chorus."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from advocacy.networks import Network
from campaigns.models import ShareHashtag
from campaigns.selectors.hashtags import campaign_hashtag_counts
from campaigns.services.hashtags import share_hashtags_backfill
from social.models import ShareState
from social.services.transitions import share_transition
from social.tests.factories import ShareFactory

from .factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _publish(member, caption, *, network=Network.LINKEDIN, at=None):
    share = ShareFactory.create(membership=member, caption=caption, network=network)
    share.state = ShareState.PUBLISHING
    share.save()
    share_transition(share, ShareState.PUBLISHED, published_at=at or timezone.now())
    return share


def test_counts_whole_hashtags_in_any_case_across_items_and_networks(world):
    member = world.a.members["employee"]
    campaign = CampaignFactory.create(organization=world.a.org, hashtags=["ToBeAPartner"])
    _publish(member, "Joining #tobeapartner today")
    _publish(member, "#TOBEAPARTNER and #ToBeAPartner twice", network=Network.FACEBOOK)
    _publish(member, "Partial: #ToBeAPartners and #ToBeAPartner_x and a#ToBeAPartner")
    _publish(member, "No hashtag: ToBeAPartner")

    counts = campaign_hashtag_counts(organization=world.a.org, campaign=campaign)

    assert counts.total == 2
    assert dict(counts.by_network) == {"linkedin": 1, "facebook": 1}
    assert sum(n for _day, n in counts.by_day) == 2


def test_only_published_shares_in_the_campaign_dates_count(world):
    member = world.a.members["employee"]
    campaign = CampaignFactory.create(organization=world.a.org, hashtags=["Spring"])
    ShareFactory.create(membership=member, caption="#Spring queued")  # not published
    _publish(member, "#Spring long ago", at=campaign.starts_at - timedelta(days=3))
    _publish(member, "#Spring now")

    assert campaign_hashtag_counts(organization=world.a.org, campaign=campaign).total == 1


def test_other_organizations_shares_never_count(world):
    CampaignFactory.create(organization=world.b.org, hashtags=["Spring"])
    campaign = CampaignFactory.create(organization=world.a.org, hashtags=["Spring"])
    _publish(world.b.members["employee"], "#Spring in b")

    assert campaign_hashtag_counts(organization=world.a.org, campaign=campaign).total == 0


def test_recording_is_idempotent_and_backfill_finds_older_shares(world):
    member = world.a.members["employee"]
    share = ShareFactory.create(
        membership=member, caption="#Spring", state=ShareState.PUBLISHED
    )  # written as published: the receiver records it too
    ShareHashtag.objects.filter(share=share).delete()
    campaign = CampaignFactory.create(organization=world.a.org, hashtags=["#spring"])

    share_hashtags_backfill(organization=world.a.org)
    share_hashtags_backfill(organization=world.a.org)

    assert ShareHashtag.objects.filter(share=share).count() == 1
    assert campaign_hashtag_counts(organization=world.a.org, campaign=campaign).total == 1


def test_counting_is_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    member = world.a.members["employee"]
    campaign = CampaignFactory.create(organization=world.a.org, hashtags=["Spring", "Summer"])
    for i in range(12):
        _publish(member, f"#Spring #Summer {i}", network=Network.LINKEDIN)
    with django_assert_max_num_queries(4):
        counts = campaign_hashtag_counts(organization=world.a.org, campaign=campaign)
    assert counts.total == 12
