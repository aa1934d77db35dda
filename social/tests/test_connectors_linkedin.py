"""The LinkedIn connector against the sandbox over HTTP: posts, images, reconciliation, statistics, errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
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
    UnknownOutcome,
)
from social.connectors.error_counts import error_counts
from social.connectors.linkedin import LinkedInConnector, escape_little_text, parse_metric_type

from .conftest import DEFAULT_SCOPES, png_bytes

LINK = "https://chorus.example/s/abc123"


@pytest.fixture
def linkedin():
    return LinkedInConnector()


@pytest.fixture
def ada(sandbox):
    # An approved partner's app: it may also read the member's posts (r_member_social).
    connection = sandbox.connect(
        "linkedin", profile="Ada Lovelace", scopes=[*DEFAULT_SCOPES["linkedin"], "r_member_social"]
    )
    return AccountRef(
        external_id=connection.profile_id,
        access_token=connection.access_token,
        extra={"author_urn": connection.author_urn},
        scopes=tuple(connection.scopes),
    )


def article(caption: str = "Proud of the team #launch", **kw) -> PostContent:
    return PostContent(
        caption=caption,
        link_url=LINK,
        title="We shipped",
        description="The new release is out.",
        **kw,
    )


def test_little_text_escapes_reserved_characters_and_writes_live_hashtags():
    assert escape_little_text("Hi (all) @you #launch_day #2026 50% * _x_ ~ # {x}") == (
        "Hi \\(all\\) \\@you {hashtag|\\#|launch\\_day} {hashtag|\\#|2026} 50% \\* \\_x\\_ \\~ \\# \\{x\\}"
    )
    assert escape_little_text("Grüße #Zürich") == "Grüße {hashtag|\\#|Zürich}"


def test_metric_type_is_parsed_as_string_or_one_key_object():
    assert parse_metric_type("IMPRESSION") == "IMPRESSION"
    assert parse_metric_type({"com.linkedin.x.CreatorPostAnalyticsMetricTypeV1": "REACTION"}) == (
        "REACTION"
    )


def test_article_post_carries_our_preview_and_an_uploaded_thumbnail(
    sandbox, linkedin, ada, image_server
):
    result = linkedin.publish(ada, article(thumbnail_url=f"{image_server}/preview.png"))

    assert result.external_id.startswith("urn:li:share:")
    # In sandbox mode "View the post" opens the sandbox's own page for the post.
    assert result.permalink == f"{sandbox.url}/linkedin/www/feed/update/{result.external_id}"
    page = requests.get(result.permalink, timeout=5)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert "We shipped" in page.text
    [post] = sandbox.linkedin_posts()
    assert post["author"] == "urn:li:person:sbxAda01"
    assert post["commentary"] == "Proud of the team {hashtag|\\#|launch}"
    content = post["content"]["article"]
    assert content["source"] == LINK
    assert content["title"] == "We shipped"
    assert content["description"] == "The new release is out."
    image = sandbox.state()["linkedin"]["images"][content["thumbnail"]]
    assert image["status"] == "AVAILABLE"
    assert image["size"] == len(png_bytes())


def test_a_thumbnail_that_is_not_an_image_is_left_out(sandbox, linkedin, ada, image_server):
    linkedin.publish(ada, article(thumbnail_url=f"{image_server}/page.html"))

    [post] = sandbox.linkedin_posts()
    assert "thumbnail" not in post["content"]["article"]


def test_a_thumbnail_on_a_private_address_is_never_fetched(sandbox, linkedin, ada, settings):
    settings.SAFE_HTTP_ALLOW_LOOPBACK_FOR_TESTS = True
    linkedin.publish(ada, article(thumbnail_url="http://10.0.0.1/secret.png"))

    [post] = sandbox.linkedin_posts()
    assert "thumbnail" not in post["content"]["article"]


def test_image_post_reads_our_own_media_from_storage(sandbox, linkedin, ada, settings):
    name = default_storage.save("content/test/linkedin-image.png", ContentFile(png_bytes()))
    url = f"{settings.SITE_URL}/media/{name}"

    result = linkedin.publish(
        ada, PostContent(caption="Look", image_urls=(url,), alt_text="A red square")
    )

    [post] = sandbox.linkedin_posts()
    assert post["id"] == result.external_id
    assert post["content"]["media"]["id"].startswith("urn:li:image:")
    default_storage.delete(name)


def test_find_published_matches_commentary_and_link_since_the_attempt(sandbox, linkedin, ada):
    before = timezone.now()
    published = linkedin.publish(ada, article())
    linkedin.publish(ada, article("Something else"))

    found = linkedin.find_published(ada, article(), since=before)

    assert found is not None
    assert found.external_id == published.external_id
    assert linkedin.find_published(ada, article("Never posted"), since=before) is None
    assert linkedin.find_published(ada, article(), since=before + timedelta(hours=1)) is None


def test_metrics_come_one_call_per_metric_and_have_no_clicks(sandbox, linkedin, ada):
    urn = linkedin.publish(ada, article()).external_id
    sandbox.clock(advance_seconds=12 * 3600)

    metrics = linkedin.fetch_metrics(ada, [urn])[urn]

    assert metrics.impressions > 0
    assert metrics.reach is not None and metrics.reach <= metrics.impressions
    assert metrics.reactions is not None and metrics.comments is not None
    assert metrics.reshares is not None and metrics.saves is not None
    analytics = [r for r in sandbox.requests_log() if r["route"].endswith("analytics")]
    assert len(analytics) == 6
    assert not hasattr(metrics, "clicks")


def test_metrics_skip_posts_that_are_gone(sandbox, linkedin, ada):
    metrics = linkedin.fetch_metrics(ada, ["urn:li:share:1"])
    assert metrics == {}


def test_metrics_fall_back_to_social_metadata_without_the_analytics_scope(sandbox, linkedin):
    connection = sandbox.connect("linkedin", scopes=["openid", "profile", "w_member_social"])
    account = AccountRef(connection.profile_id, connection.access_token)
    urn = linkedin.publish(account, article()).external_id
    sandbox.clock(advance_seconds=12 * 3600)

    metrics = linkedin.fetch_metrics(account, [urn])[urn]

    assert metrics.impressions is None
    assert metrics.reactions is not None and metrics.comments is not None


# ---- errors ---------------------------------------------------------------------------------


def test_rate_limit_is_rate_limited_with_retry_after_and_scope(sandbox, linkedin, ada):
    sandbox.fault("rate_limit", network="linkedin", endpoint="posts.create", retry_after=120)
    with pytest.raises(RateLimited) as app_level:
        linkedin.publish(ada, article())
    assert app_level.value.retry_after == 120
    assert app_level.value.scope == "app"

    sandbox.fault("rate_limit", network="linkedin", endpoint="posts.create", scope="member")
    with pytest.raises(RateLimited) as member_level:
        linkedin.publish(ada, article())
    assert member_level.value.scope == "account"
    assert sandbox.linkedin_posts() == []


def test_revoked_token_requires_reconnecting(sandbox, linkedin, ada):
    sandbox.fault("revoked_token", network="linkedin", endpoint="posts.create")
    with pytest.raises(ReauthRequired) as error:
        linkedin.publish(ada, article())
    assert not isinstance(error.value, PermissionMissing)


def test_an_expired_token_requires_reconnecting(sandbox, linkedin, ada):
    sandbox.expire_token(ada.access_token)
    with pytest.raises(ReauthRequired):
        linkedin.publish(ada, article())


def test_missing_scope_is_permission_missing(sandbox, linkedin):
    connection = sandbox.connect("linkedin", scopes=["openid", "profile"])
    with pytest.raises(PermissionMissing):
        linkedin.publish(AccountRef(connection.profile_id, connection.access_token), article())


def test_the_permalink_is_linkedins_own_outside_sandbox_mode(settings):
    from social.connectors.linkedin import permalink

    settings.NETWORK_BASES = {
        **settings.NETWORK_BASES,
        "LINKEDIN_WWW_BASE": "https://www.linkedin.com",
    }
    assert permalink("urn:li:share:7") == "https://www.linkedin.com/feed/update/urn:li:share:7"


def test_the_same_post_twice_is_a_duplicate(sandbox, linkedin, ada):
    linkedin.publish(ada, article())
    with pytest.raises(Duplicate) as error:
        linkedin.publish(ada, article())
    assert "duplicate" in error.value.message.lower()


def test_a_duplicate_names_the_post_that_exists(sandbox, linkedin, ada):
    first = linkedin.publish(ada, article())
    with pytest.raises(Duplicate) as error:
        linkedin.publish(ada, article())
    assert error.value.existing_id == first.external_id
    assert error.value.permalink == first.permalink


def test_the_author_finder_needs_r_member_social(sandbox, linkedin):
    # What an ordinary app gets: w_member_social, no r_member_social.
    connection = sandbox.connect("linkedin", profile="Grace Hopper")
    grace = AccountRef(
        connection.profile_id, connection.access_token, scopes=tuple(connection.scopes)
    )
    assert not linkedin.can_find_published(grace)
    with pytest.raises(PermissionMissing):  # LinkedIn's 403, as the sandbox answers it
        linkedin.find_published(grace, article(), since=timezone.now() - timedelta(hours=1))


def test_an_invalid_post_is_rejected_with_the_networks_message(sandbox, linkedin, ada):
    with pytest.raises(Rejected) as error:
        linkedin.publish(ada, PostContent(caption="x" * 3001))
    assert not isinstance(error.value, Duplicate)
    assert error.value.status == 422


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_transient(sandbox, linkedin, ada, status):
    sandbox.fault("server_error", network="linkedin", endpoint="posts.create", status=status)
    with pytest.raises(Transient):
        linkedin.publish(ada, article())


def test_a_timeout_on_create_is_an_unknown_outcome_but_on_a_read_transient(
    sandbox, linkedin, ada, settings
):
    settings.SOCIAL_HTTP_TIMEOUT = 0.3
    sandbox.fault("timeout", network="linkedin", endpoint="posts.create", delay=1)
    with pytest.raises(UnknownOutcome):
        linkedin.publish(ada, article())

    sandbox.fault("timeout", network="linkedin", endpoint="posts.list", delay=1)
    with pytest.raises(Transient):
        linkedin.find_published(ada, article(), since=timezone.now() - timedelta(hours=1))


@pytest.mark.parametrize("mode", ["drop", "504"])
def test_a_lost_response_is_an_unknown_outcome_and_the_post_exists(sandbox, linkedin, ada, mode):
    sandbox.fault("lost_response", network="linkedin", endpoint="posts.create", mode=mode)
    before = timezone.now()
    with pytest.raises(UnknownOutcome):
        linkedin.publish(ada, article())

    assert len(sandbox.linkedin_posts()) == 1
    assert linkedin.find_published(ada, article(), since=before) is not None


def test_a_server_that_is_not_there_is_transient(linkedin, ada, settings):
    settings.NETWORK_BASES = {**settings.NETWORK_BASES, "LINKEDIN_API_BASE": "http://127.0.0.1:9"}
    with pytest.raises(Transient):
        linkedin.publish(ada, article())


def test_errors_are_counted_per_network_and_class(sandbox, linkedin, ada):
    sandbox.fault("server_error", network="linkedin", endpoint="posts.create", count=2)
    for _ in range(2):
        with pytest.raises(Transient):
            linkedin.publish(ada, article())
    assert error_counts("linkedin")["Transient"] == 2
    assert error_counts("instagram") == {}


# ---- tokens ---------------------------------------------------------------------------------


def test_refresh_without_a_refresh_token_requires_reconnecting(linkedin, ada):
    tokens = TokenSet(ada.access_token, timezone.now() + timedelta(days=5))
    with pytest.raises(ReauthRequired):
        linkedin.refresh(ada, tokens)


def test_partner_apps_refresh_with_their_refresh_token(sandbox, linkedin):
    sandbox.admin(
        "POST",
        "apps",
        json={
            "client_id": "chorus-sandbox-client",
            "client_secret": "chorus-sandbox-secret",
            "linkedin_refresh_tokens": True,
        },
    )
    connection = sandbox.connect("linkedin")
    assert connection.refresh_token
    account = AccountRef(connection.profile_id, connection.access_token)
    tokens = TokenSet(
        connection.access_token,
        connection.expires_at,
        refresh_token=connection.refresh_token,
        refresh_expires_at=connection.refresh_expires_at,
    )

    fresh = linkedin.refresh(account, tokens)

    assert fresh.access_token != connection.access_token
    assert fresh.expires_at > timezone.now() + timedelta(days=59)
    assert fresh.refresh_token
    linkedin.publish(AccountRef(connection.profile_id, fresh.access_token), article())
