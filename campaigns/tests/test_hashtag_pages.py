"""Hashtag pages and API: who sees them, bad input, query counts, the campaign include."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from advocacy.networks import Network
from campaigns.models import HashtagMention, MentionSource
from campaigns.views.hashtags import hashtag_panel_context
from social.models import ShareState
from social.services.transitions import share_transition
from social.tests.factories import ShareFactory

from .factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _client(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def _api(member) -> APIClient:
    client = APIClient()
    client.force_authenticate(member.user)
    return client


def _published(member, caption, network=Network.LINKEDIN):
    share = ShareFactory.create(membership=member, caption=caption, network=network)
    share.state = ShareState.PUBLISHING
    share.save()
    return share_transition(share, ShareState.PUBLISHED)


def _mention(campaign, n):
    return HashtagMention.objects.create(
        organization=campaign.organization,
        campaign=campaign,
        hashtag="spring",
        source=MentionSource.INSTAGRAM_RECENT,
        network=Network.INSTAGRAM,
        external_id=f"1790{n}",
        permalink=f"https://www.instagram.com/p/{n}/",
        caption_excerpt=f"#Spring {n}",
    )


def test_managers_see_counts_and_mentions_with_definitions(world, django_assert_max_num_queries):
    manager = world.a.members["manager"]
    campaigns = [
        CampaignFactory.create(organization=world.a.org, slug=f"c{i}", hashtags=["Spring"])
        for i in range(6)
    ]
    _published(world.a.members["employee"], "#spring is here")
    _mention(campaigns[0], 1)
    client = _client(manager)
    url = reverse("hashtags_mentions", args=[world.a.org.slug])
    client.get(url)  # warm the session and caches
    with django_assert_max_num_queries(14):
        page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "What these numbers mean" in body
    assert body.count('data-col="shares">1<') == 6

    detail = client.get(reverse("hashtags_campaign", args=[world.a.org.slug, campaigns[0].pk]))
    assert detail.status_code == 200
    assert "https://www.instagram.com/p/1/" in detail.content.decode()


def test_employees_and_hr_cannot_open_the_pages_or_api(world):
    campaign = CampaignFactory.create(organization=world.a.org)
    for role in ("employee", "hr"):
        member = world.a.members[role]
        url = reverse("hashtags_campaign", args=[world.a.org.slug, campaign.pk])
        assert _client(member).get(url).status_code == 403
        api = f"/api/v1/orgs/{world.a.org.slug}/hashtags/campaigns/{campaign.pk}/"
        assert _api(member).get(api).status_code == 403


def test_bad_paging_is_a_400_and_a_foreign_campaign_a_404(world):
    campaign = CampaignFactory.create(organization=world.a.org)
    foreign = CampaignFactory.create(organization=world.b.org)
    client = _client(world.a.members["manager"])
    url = reverse("hashtags_campaign", args=[world.a.org.slug, campaign.pk])
    assert client.get(url, {"before": "abc"}).status_code == 400
    assert client.get(url, {"before": "-3"}).status_code == 400
    assert (
        client.get(reverse("hashtags_campaign", args=[world.a.org.slug, foreign.pk])).status_code
        == 404
    )


def test_api_counts_and_mentions(world, django_assert_max_num_queries):
    manager = world.a.members["manager"]
    campaign = CampaignFactory.create(organization=world.a.org, hashtags=["Spring"])
    _published(world.a.members["employee"], "#Spring", network=Network.FACEBOOK)
    for n in range(5):
        _mention(campaign, n)
    api = _api(manager)
    base = f"/api/v1/orgs/{world.a.org.slug}/hashtags/campaigns/"
    detail = api.get(f"{base}{campaign.pk}/").json()
    assert detail["shares"] == 1
    assert detail["by_network"] == [{"network": "facebook", "shares": 1}]
    assert detail["mentions"] == 5 and len(detail["by_day"]) == 1
    with django_assert_max_num_queries(8):
        listing = api.get(base)
    assert listing.json()["results"][0]["shares"] == 1
    with django_assert_max_num_queries(8):
        mentions = api.get(f"{base}{campaign.pk}/mentions/", {"page_size": 2})
    body = mentions.json()
    assert len(body["results"]) == 2 and body["next"]
    assert api.get(f"{base}{campaign.pk}/mentions/", {"cursor": "zzz"}).status_code == 400


def test_the_campaign_page_include_renders(world):
    campaign = CampaignFactory.create(organization=world.a.org, hashtags=["Spring"])
    _published(world.a.members["employee"], "#Spring")
    _mention(campaign, 7)
    html = render_to_string(
        "campaigns/hashtags/_campaign_panel.html",
        {"hashtag_context": hashtag_panel_context(organization=world.a.org, campaign=campaign)},
    )
    assert 'data-testid="hashtag-shares">1<' in html
    assert "https://www.instagram.com/p/7/" in html
