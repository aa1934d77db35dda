"""Shares of a live campaign's items belong to it (and carry its slug as utm_campaign on their
tracked links); the composer offers its hashtags; feed cards show a badge and the feed filters
by campaign, on the page and in the API, in a bounded number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from advocacy.models import Role
from campaigns.models import CampaignAudience, CampaignStatus
from campaigns.tests.factories import CampaignFactory, CampaignItemFactory
from content_library.tests.factories import ApprovedItemFactory
from social.models import TrackedLink
from social.services.shares import ShareTarget, share_create
from social.tests.shares_support import accept_policy, account, link_item, publish_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def employee(world):
    return world.a.members[Role.EMPLOYEE]


@pytest.fixture
def ready(world, employee):
    document = publish_policy(world.a.org, world.a.admin)
    accept_policy(employee, document)
    item = link_item(world.a.org)
    campaign = CampaignFactory.create(
        organization=world.a.org, name="To be a partner", slug="to-be-a-partner"
    )
    CampaignItemFactory.create(campaign=campaign, item=item)
    return {"item": item, "campaign": campaign, "linkedin": account(employee, "linkedin")}


def _share(employee, item, target):
    return share_create(membership=employee, item=item, targets=[target])


def test_a_share_of_a_live_campaign_item_belongs_to_it_and_its_link_says_so(employee, ready):
    [share] = _share(employee, ready["item"], ShareTarget("Hi", account=ready["linkedin"]))
    share.refresh_from_db()
    assert share.campaign == ready["campaign"]
    assert share.utm_campaign == "to-be-a-partner"
    link = TrackedLink.objects.get(share=share)
    assert "utm_campaign=to-be-a-partner" in link.target_url
    assert "utm_source=linkedin" in link.target_url


def test_a_dialog_share_belongs_to_the_campaign_too(employee, ready):
    [share] = _share(employee, ready["item"], ShareTarget("Hi", network="facebook"))
    assert share.campaign == ready["campaign"]
    assert "utm_campaign=to-be-a-partner" in TrackedLink.objects.get(share=share).target_url


@pytest.mark.parametrize("case", ["scheduled", "ended", "not_for_me", "not_in_it"])
def test_shares_outside_a_live_campaign_for_the_member_belong_to_none(world, employee, ready, case):
    campaign, item = ready["campaign"], ready["item"]
    if case == "scheduled":
        campaign.status = CampaignStatus.SCHEDULED
        campaign.starts_at = timezone.now() + timedelta(days=1)
        campaign.save()
    elif case == "ended":
        campaign.status = CampaignStatus.ENDED
        campaign.save()
    elif case == "not_for_me":
        CampaignAudience.objects.create(
            organization=world.a.org, campaign=campaign, dimension="role", value=Role.MANAGER
        )
    else:
        item = link_item(world.a.org, url="https://example.com/other")
    [share] = _share(employee, item, ShareTarget("Hi", account=ready["linkedin"]))
    share.refresh_from_db()
    assert share.campaign is None and share.utm_campaign == ""
    assert "utm_campaign=chorus" in TrackedLink.objects.get(share=share).target_url


def test_the_composer_offers_the_campaign_hashtags(client, world, employee, ready):
    ready["campaign"].hashtags = ["ToBeAPartner", "Careers"]
    ready["campaign"].save()
    client.force_login(employee.user)
    url = reverse("share_compose", args=[world.a.org.slug, ready["item"].pk])
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-suggestion="#ToBeAPartner"' in html and 'data-suggestion="#Careers"' in html
    assert 'data-fix-kind="required_text"' in html  # the checker's "Add #hashtag" button
    other = link_item(world.a.org, url="https://example.com/other")
    html = client.get(
        reverse("share_compose", args=[world.a.org.slug, other.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "#ToBeAPartner" not in html


def _feed(world, query=""):
    return reverse("content_feed", args=[world.a.org.slug]) + query


def test_feed_cards_show_the_campaign_badge_and_filter_by_campaign(
    client, world, employee, ready, django_assert_max_num_queries
):
    others = [
        ApprovedItemFactory.create(organization=world.a.org, title=f"Other {n}") for n in range(4)
    ]
    for n in range(5):
        CampaignItemFactory.create(
            campaign=ready["campaign"],
            item=ApprovedItemFactory.create(organization=world.a.org, title=f"In campaign {n}"),
        )
    client.force_login(employee.user)
    with django_assert_max_num_queries(16):
        resp = client.get(_feed(world))
    html = resp.content.decode()
    assert html.count('data-testid="campaign-badge"') == 6
    assert "Campaign: To be a partner" in html and others[0].title in html
    with django_assert_max_num_queries(16):
        resp = client.get(_feed(world, "?campaign=to-be-a-partner"))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert html.count('data-testid="campaign-badge"') == 6
    assert others[0].title not in html
    assert 'data-testid="feed-campaign-filter"' in html and "To be a partner" in html
    assert 'name="campaign" value="to-be-a-partner"' in html  # kept by the filter form


def test_the_badge_is_only_for_live_campaigns_for_the_member(client, world, employee, ready):
    CampaignAudience.objects.create(
        organization=world.a.org, campaign=ready["campaign"], dimension="role", value="manager"
    )
    client.force_login(employee.user)
    assert 'data-testid="campaign-badge"' not in client.get(_feed(world)).content.decode()
    client.force_login(world.a.user(Role.MANAGER))
    assert 'data-testid="campaign-badge"' in client.get(_feed(world)).content.decode()


def test_feed_api_filters_by_campaign(api_client, world, employee, ready):
    ApprovedItemFactory.create(organization=world.a.org, title="Not in it")
    api_client.force_authenticate(employee.user)
    base = f"/api/v1/orgs/{world.a.org.slug}/content/feed/"
    assert len(api_client.get(base).json()["results"]) == 2
    data = api_client.get(base + "?campaign=to-be-a-partner").json()
    assert [r["id"] for r in data["results"]] == [ready["item"].pk]
    assert api_client.get(base + "?campaign=nope").json()["results"] == []
    assert api_client.get(base + "?campaign=a%00b").status_code == 400
    # Another organization's campaign of the same slug filters nothing in.
    other = CampaignFactory.create(organization=world.b.org, slug="theirs")
    CampaignItemFactory.create(
        campaign=other, item=ApprovedItemFactory.create(organization=world.b.org)
    )
    assert api_client.get(base + "?campaign=theirs").json()["results"] == []
