"""Facebook pages (API), share dialogs (Facebook profiles, X) and the connector registry."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from social.connectors.base import (
    AccountRef,
    Duplicate,
    PermissionMissing,
    PostContent,
    RateLimited,
    ReauthRequired,
    Rejected,
    TokenSet,
    Transient,
)
from social.connectors.dialog import FacebookDialogConnector, XDialogConnector
from social.connectors.facebook import FacebookPageConnector
from social.connectors.instagram import InstagramConnector
from social.connectors.linkedin import LinkedInConnector
from social.connectors.registry import connector_for, supports_api_posting

LINK = "https://chorus.example/s/fb123"


@pytest.fixture
def facebook():
    return FacebookPageConnector()


@pytest.fixture
def grace(sandbox):
    return sandbox.connect("facebook", profile="Grace Hopper")


@pytest.fixture
def acme_page(grace):
    page = grace.page("100000000000102")
    return AccountRef(page["id"], page["access_token"])


def post(message: str = "Big news from Acme", **kw) -> PostContent:
    return PostContent(caption=message, link_url=LINK, **kw)


def test_a_link_post_goes_to_the_page_feed(sandbox, facebook, acme_page):
    result = facebook.publish(acme_page, post())

    assert result.external_id.startswith("100000000000102_")
    [stored] = sandbox.facebook_posts()
    assert stored["message"] == "Big news from Acme"
    assert stored["link"] == LINK
    assert result.permalink == stored["permalink_url"]


def test_a_post_without_link_but_with_an_image_is_a_photo(sandbox, facebook, acme_page):
    result = facebook.publish(
        acme_page, PostContent(caption="Photo", image_urls=("https://cdn.example/a.jpg",))
    )
    [stored] = sandbox.facebook_posts()
    assert stored["type"] == "photo"
    assert result.external_id == stored["id"]


def test_the_same_post_twice_is_a_duplicate(sandbox, facebook, acme_page):
    facebook.publish(acme_page, post())
    with pytest.raises(Duplicate):
        facebook.publish(acme_page, post())


def test_a_user_token_cannot_post_to_a_page(sandbox, facebook, grace):
    with pytest.raises(PermissionMissing):
        facebook.publish(AccountRef("100000000000102", grace.access_token), post())


def test_a_page_without_create_content_is_refused(sandbox, facebook):
    sandbox.admin(
        "POST",
        "profiles",
        json={
            "network": "facebook",
            "name": "Moderator Mo",
            "pages": [{"name": "Read only", "tasks": ["ANALYZE"]}],
        },
    )
    mo = sandbox.connect("facebook", profile="Moderator Mo")
    page = mo.page()
    with pytest.raises(PermissionMissing):
        facebook.publish(AccountRef(page["id"], page["access_token"]), post())


def test_find_published_and_metrics(sandbox, facebook, acme_page):
    before = timezone.now()
    published = facebook.publish(acme_page, post())
    facebook.publish(acme_page, post("Another"))

    found = facebook.find_published(acme_page, post(), since=before)
    assert found is not None and found.external_id == published.external_id
    assert facebook.find_published(acme_page, post("Missing"), since=before) is None

    sandbox.clock(advance_seconds=8 * 3600)
    metrics = facebook.fetch_metrics(acme_page, [published.external_id])[published.external_id]
    assert metrics.impressions > 0 and metrics.reach is not None and metrics.reactions is not None
    assert metrics.comments is None  # not among the page insights we read
    assert facebook.fetch_metrics(acme_page, ["100000000000102_1"]) == {}


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ({"kind": "rate_limit", "code": 32}, RateLimited),
        ({"kind": "rate_limit", "code": 17}, RateLimited),
        ({"kind": "server_error", "status": 500}, Transient),
        ({"kind": "revoked_token", "subcode": 460}, ReauthRequired),
        ({"kind": "duplicate"}, Duplicate),
    ],
)
def test_graph_errors_map_to_typed_errors(sandbox, facebook, acme_page, fault, error):
    sandbox.fault(network="facebook", endpoint="feed.create", **fault)
    with pytest.raises(error):
        facebook.publish(acme_page, post())


def test_page_tokens_never_expire_and_user_tokens_are_re_exchanged(facebook, acme_page, grace):
    page_tokens = TokenSet(acme_page.access_token, None)
    assert facebook.refresh(acme_page, page_tokens) is page_tokens

    user_tokens = TokenSet(grace.access_token, grace.expires_at)
    fresh = facebook.refresh(acme_page, user_tokens)
    assert fresh.access_token != grace.access_token
    assert fresh.expires_at > timezone.now() + timedelta(days=59)

    with pytest.raises(ReauthRequired):
        facebook.refresh(acme_page, TokenSet("x", timezone.now() - timedelta(seconds=1)))


# ---- dialogs ----------------------------------------------------------------------------------


def test_facebook_share_dialog_url(sandbox, settings):
    connector = FacebookDialogConnector()
    url = connector.share_dialog_url(post(hashtag="launch"))

    parts = urlsplit(url)
    assert (
        f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{sandbox.url}/facebook/www/dialog/share"
    )
    assert parse_qs(parts.query) == {
        "app_id": [settings.META_APP_ID],
        "display": ["popup"],
        "href": [LINK],
        "hashtag": ["#launch"],
    }
    assert connector.supports_api_posting is False
    with pytest.raises(Rejected):
        connector.publish(AccountRef("1", ""), post())


def test_the_facebook_share_dialog_url_opens_in_the_sandbox(sandbox):
    import requests

    page = requests.get(FacebookDialogConnector().share_dialog_url(post(hashtag="#go")), timeout=5)
    assert page.status_code == 200


def test_x_intent_url():
    url = XDialogConnector().share_dialog_url(post("Read this & share"))
    assert url.startswith("https://x.com/intent/post?")
    assert parse_qs(urlsplit(url).query) == {"text": ["Read this & share"], "url": [LINK]}
    assert XDialogConnector().fetch_metrics(AccountRef("1", ""), ["a"]) == {}


def test_registry():
    assert isinstance(connector_for("linkedin", "member"), LinkedInConnector)
    assert isinstance(connector_for("instagram", "professional"), InstagramConnector)
    assert isinstance(connector_for("facebook", "page"), FacebookPageConnector)
    assert isinstance(connector_for("facebook", "member"), FacebookDialogConnector)
    assert isinstance(connector_for("x", "member"), XDialogConnector)
    assert supports_api_posting("linkedin") and not supports_api_posting("x")
    with pytest.raises(LookupError):
        connector_for("tiktok", "member")
