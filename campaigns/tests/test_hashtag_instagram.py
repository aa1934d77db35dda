"""Instagram: connecting the business account, hashtag search with its limit, fetching
mentions idempotently, matching authors."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from django.conf import settings
from django.db import connections
from django.test import Client
from django.urls import reverse

from advocacy.models import AuditLogEntry
from advocacy.networks import Network
from campaigns.models import HashtagMention, HashtagSearch
from campaigns.services.hashtags import (
    SEARCH_LIMIT,
    campaign_mentions_fetch,
    hashtag_plan,
    instagram_business_disconnect,
)
from social.models import AccountStatus, OrganizationAccount, ShareState
from social.tests.factories import ShareFactory

from .factories import CampaignFactory
from .hashtags_support import (
    IG_BUSINESS_ID,
    business_account,
    connect_instagram,
    seed_public_media,
)

pytestmark = pytest.mark.django_db


def _admin_client(world) -> Client:
    client = Client()
    client.force_login(world.a.members["admin"].user)
    return client


def _graph(sandbox) -> str:
    return f"{sandbox.bases['META_GRAPH_BASE']}/{settings.META_GRAPH_VERSION}"


@pytest.fixture
def connected(sandbox, world):
    response = connect_instagram(sandbox, _admin_client(world), world.a.org.slug)
    assert response.status_code == 302
    return business_account(world.a.org)


def test_admin_connects_through_facebook_login_tokens_encrypted_and_audited(connected, world):
    account = connected
    assert account.status == AccountStatus.CONNECTED
    assert account.kind == "instagram_business"
    assert account.access_token and account.access_token not in account.access_token_encrypted
    assert AuditLogEntry.objects.filter(
        organization=world.a.org, action="instagram_business.connected"
    ).exists()

    instagram_business_disconnect(actor=world.a.members["admin"], account=account)
    account.refresh_from_db()
    assert account.access_token_encrypted == "" and account.status == AccountStatus.DISCONNECTED
    assert AuditLogEntry.objects.filter(action="instagram_business.disconnected").exists()


def test_callback_refuses_a_state_it_did_not_start(sandbox, world):
    client = _admin_client(world)
    url = reverse("org_instagram_callback", args=[world.a.org.slug])
    response = client.get(url, {"code": "x", "state": "forged"}, follow=True)
    assert "was not started here" in response.content.decode()
    assert not OrganizationAccount.objects.filter(organization=world.a.org).exists()


def test_only_admins_connect(sandbox, world):
    client = Client()
    client.force_login(world.a.members["manager"].user)
    assert client.post(reverse("org_instagram_connect", args=[world.a.org.slug])).status_code == 403


def test_sandbox_hashtag_search_limit_and_error_shape(connected, sandbox):
    graph, token = _graph(sandbox), connected.access_token
    for i in range(30):
        ok = requests.get(
            f"{graph}/ig_hashtag_search",
            params={"user_id": IG_BUSINESS_ID, "q": f"tag{i}", "access_token": token},
            timeout=10,
        )
        assert ok.status_code == 200 and ok.json()["data"][0]["id"]
    again = requests.get(
        f"{graph}/ig_hashtag_search",
        params={"user_id": IG_BUSINESS_ID, "q": "TAG0", "access_token": token},
        timeout=10,
    )
    assert again.status_code == 200  # a repeat is free
    over = requests.get(
        f"{graph}/ig_hashtag_search",
        params={"user_id": IG_BUSINESS_ID, "q": "tag30", "access_token": token},
        timeout=10,
    )
    assert over.status_code == 400
    error = over.json()["error"]
    assert error["code"] == 18 and error["type"] == "OAuthException" and "fbtrace_id" in error
    searched = requests.get(
        f"{graph}/{IG_BUSINESS_ID}/recently_searched_hashtags",
        params={"access_token": token, "limit": 50},
        timeout=10,
    ).json()["data"]
    assert len(searched) == 30
    emoji = requests.get(
        f"{graph}/ig_hashtag_search",
        params={"user_id": IG_BUSINESS_ID, "q": "🎉party", "access_token": token},
        timeout=10,
    )
    assert emoji.json()["error"]["code"] == 24
    # After 7 days the first searches stop counting.
    sandbox.clock(advance_seconds=7 * 86400 + 1)
    later = requests.get(
        f"{graph}/ig_hashtag_search",
        params={"user_id": IG_BUSINESS_ID, "q": "tag30", "access_token": token},
        timeout=10,
    )
    assert later.status_code == 200


def test_sandbox_checks_the_token_and_the_account(connected, sandbox):
    graph = _graph(sandbox)
    bad = requests.get(
        f"{graph}/ig_hashtag_search",
        params={"user_id": IG_BUSINESS_ID, "q": "x", "access_token": "nope"},
        timeout=10,
    )
    assert bad.json()["error"]["code"] == 190
    foreign = requests.get(
        f"{graph}/ig_hashtag_search",
        params={"user_id": "17841400000000011", "q": "x", "access_token": connected.access_token},
        timeout=10,
    )
    assert foreign.status_code == 400 and foreign.json()["error"]["code"] == 100


def test_fetch_stores_mentions_once_and_matches_chorus_shares(connected, sandbox, world):
    campaign = CampaignFactory.create(organization=world.a.org, hashtags=["ToBeAPartner"])
    media = seed_public_media(
        sandbox,
        {"caption": "Our week #ToBeAPartner", "like_count": 5},
        {"caption": "#tobeapartner from a colleague", "like_count": 50},
        {"caption": "#ToBeAPartners is another tag"},
    )
    ShareFactory.create(
        membership=world.a.members["employee"],
        network=Network.INSTAGRAM,
        caption="#ToBeAPartner",
        state=ShareState.PUBLISHED,
        external_id=media[0]["id"],
    )
    first = campaign_mentions_fetch(organization=world.a.org)
    second = campaign_mentions_fetch(organization=world.a.org)

    mentions = HashtagMention.objects.filter(organization=world.a.org, campaign=campaign)
    assert first.stored == 2 and second.stored == 0
    assert {m.external_id for m in mentions} == {media[0]["id"], media[1]["id"]}
    matched = mentions.get(external_id=media[0]["id"])
    assert matched.membership == world.a.members["employee"]
    assert matched.permalink.startswith("http")
    assert mentions.get(external_id=media[1]["id"]).membership is None
    # The second run reused the known hashtag id: one search recorded, asked once.
    assert HashtagSearch.objects.filter(account=connected).count() == 1
    searches = [r for r in sandbox.requests_log() if r["route"] == "ig_hashtag_search"]
    assert len(searches) == 1


def test_chorus_never_asks_for_a_31st_hashtag(connected, sandbox, world):
    tags = [f"Tag{i}" for i in range(SEARCH_LIMIT + 2)]
    CampaignFactory.create(organization=world.a.org, hashtags=tags)
    report = campaign_mentions_fetch(organization=world.a.org)

    assert len(report.searched) == SEARCH_LIMIT
    assert set(report.skipped.values()) == {"over_limit"}
    searches = [r for r in sandbox.requests_log(limit=200) if r["route"] == "ig_hashtag_search"]
    assert len(searches) == SEARCH_LIMIT and all(r["status"] == 200 for r in searches)
    plan = hashtag_plan(account=connected, organization=world.a.org)
    assert [p.status for p in plan].count("over_limit") == 2
    page = _admin_client(world).get(reverse("hashtags_mentions", args=[world.a.org.slug]))
    assert "30 of 30" in page.content.decode()


def test_an_expired_token_marks_the_account_for_reconnecting(connected, sandbox, world):
    CampaignFactory.create(organization=world.a.org, hashtags=["Spring"])
    sandbox.expire_token(connected.access_token)
    campaign_mentions_fetch(organization=world.a.org)
    connected.refresh_from_db()
    assert connected.status == AccountStatus.NEEDS_RECONNECT


@pytest.mark.django_db(transaction=True)
def test_concurrent_fetches_store_each_post_once(postgres_only, sandbox, world):
    response = connect_instagram(sandbox, _admin_client(world), world.a.org.slug)
    assert response.status_code == 302
    campaign = CampaignFactory.create(organization=world.a.org, hashtags=["Spring"])
    seed_public_media(sandbox, *({"caption": f"#Spring {i}"} for i in range(8)))
    sandbox.config(timeout_delay_seconds=0.0)
    errors: list[BaseException] = []
    barrier = threading.Barrier(3)

    def run() -> None:
        try:
            barrier.wait()
            campaign_mentions_fetch(organization=world.a.org)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    time.sleep(0)
    assert not errors, errors
    assert HashtagMention.objects.filter(campaign=campaign).count() == 8
    assert HashtagSearch.objects.filter(organization=world.a.org).count() == 1


def test_the_sweep_finds_organizations_with_an_account_and_a_live_campaign(
    connected, sandbox, world
):
    from campaigns.services.hashtags import dangerously_organizations_with_hashtag_search
    from campaigns.tasks.hashtags import hashtags_fetch_organization

    assert dangerously_organizations_with_hashtag_search() == []
    CampaignFactory.create(organization=world.a.org, hashtags=["Spring"])
    CampaignFactory.create(organization=world.b.org, hashtags=["Spring"])  # no account in b
    assert dangerously_organizations_with_hashtag_search() == [world.a.org.pk]
    seed_public_media(sandbox, {"caption": "#Spring"})
    assert hashtags_fetch_organization(world.a.org.pk) == 1
    assert hashtags_fetch_organization(987654321) == 0


def test_the_registered_redirect_forwards_only_a_login_started_here(world):
    url = reverse("instagram_oauth_return")
    assert Client().get(url, {"code": "x", "state": "y"})["Location"].startswith("/accounts/login")
    response = _admin_client(world).get(url, {"code": "x", "state": "y"})
    assert response["Location"] == reverse("home")
