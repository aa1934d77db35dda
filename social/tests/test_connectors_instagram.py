"""The Instagram connector against the sandbox: containers, polling, quota, insights, errors, tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from social.connectors.base import (
    AccountRef,
    PermissionMissing,
    PostContent,
    QuotaExceeded,
    RateLimited,
    ReauthRequired,
    Rejected,
    TokenSet,
    Transient,
    UnknownOutcome,
)
from social.connectors.instagram import InstagramConnector

IMAGE = "https://cdn.chorus.example/media/launch.jpg"
LINK = "https://chorus.example/s/ig123"


@pytest.fixture
def instagram():
    return InstagramConnector()


@pytest.fixture
def ada_connection(sandbox):
    return sandbox.connect("instagram", profile="ada.builds")


@pytest.fixture
def ada(ada_connection):
    return AccountRef(ada_connection.profile_id, ada_connection.access_token)


def photo(caption: str = "Launch day #team", **kw) -> PostContent:
    return PostContent(
        caption=caption, link_url=LINK, alt_text="Cake", **{"image_urls": (IMAGE,), **kw}
    )


def test_publish_creates_a_container_polls_it_and_publishes(sandbox, instagram, ada):
    started = instagram.publish(ada, photo())

    assert started.external_id == ""
    assert started.pending_id
    assert instagram.poll_pending(ada, started.pending_id) is not None
    [media] = sandbox.instagram_media()
    assert media["caption"] == f"Launch day #team\n\n{LINK}"
    assert media["media_url"] == IMAGE
    assert media["alt_text"] == "Cake"


def test_poll_returns_none_while_in_progress_then_the_published_media(sandbox, instagram, ada):
    sandbox.config(instagram_in_progress_polls=3)
    pending = instagram.publish(ada, photo()).pending_id

    assert instagram.poll_pending(ada, pending) is None
    assert instagram.poll_pending(ada, pending) is None
    result = instagram.poll_pending(ada, pending)

    assert result is not None
    [media] = sandbox.instagram_media()
    assert result.external_id == media["id"]
    assert result.permalink.endswith(f"/instagram/www/p/{media['shortcode']}/")


def test_publish_finishes_at_once_when_the_container_is_ready(sandbox, instagram, ada):
    sandbox.config(instagram_in_progress_polls=0)
    result = instagram.publish(ada, photo())
    assert result.external_id and not result.pending_id
    assert len(sandbox.instagram_media()) == 1


def test_a_carousel_publishes_all_images(sandbox, instagram, ada):
    sandbox.config(instagram_in_progress_polls=0)
    content = PostContent(caption="Two", image_urls=(IMAGE, IMAGE.replace("launch", "team")))
    result = instagram.publish(ada, content)
    media = sandbox.state()["instagram"]["media"][result.external_id]
    assert media["media_type"] == "CAROUSEL_ALBUM"
    assert len(media["children"]) == 2


def test_a_post_without_an_image_is_rejected_before_any_call(sandbox, instagram, ada):
    with pytest.raises(Rejected):
        instagram.publish(ada, PostContent(caption="Text only", link_url=LINK))
    assert sandbox.state()["instagram"]["containers"] == {}


def test_an_image_meta_cannot_fetch_fails_the_container(sandbox, instagram, ada):
    with pytest.raises(Rejected) as error:
        instagram.publish(ada, photo(image_urls=("https://cdn.example/x.bmp",)))
    assert error.value.code == "container_error"
    assert sandbox.instagram_media() == []


def test_an_expired_container_is_rejected(sandbox, instagram, ada):
    pending = instagram.publish(ada, photo()).pending_id
    sandbox.clock(advance_seconds=25 * 3600)
    with pytest.raises(Rejected) as error:
        instagram.poll_pending(ada, pending)
    assert error.value.code == "container_expired"


def test_the_quota_is_read_before_creating_a_container(sandbox, instagram, ada):
    sandbox.config(instagram_quota_total=1, instagram_in_progress_polls=0)
    instagram.publish(ada, photo())

    with pytest.raises(QuotaExceeded) as error:
        instagram.publish(ada, photo("Another one"))

    assert error.value.scope == "account"
    assert len(sandbox.state()["instagram"]["containers"]) == 1
    assert instagram.quota(ada) == (1, 1, 86400)


def test_the_networks_quota_error_is_quota_exceeded(sandbox, instagram, ada):
    sandbox.fault("ig_quota", network="instagram", endpoint="media.publish")
    pending = instagram.publish(ada, photo()).pending_id
    with pytest.raises(QuotaExceeded):
        instagram.poll_pending(ada, pending)


def test_find_published_matches_the_caption(sandbox, instagram, ada):
    sandbox.config(instagram_in_progress_polls=0)
    before = timezone.now()
    published = instagram.publish(ada, photo())
    instagram.publish(ada, photo("Other"))

    found = instagram.find_published(ada, photo(), since=before)

    assert found is not None and found.external_id == published.external_id
    assert instagram.find_published(ada, photo("Nope"), since=before) is None


def test_insights_map_to_metrics(sandbox, instagram, ada):
    sandbox.config(instagram_in_progress_polls=0)
    media_id = instagram.publish(ada, photo()).external_id
    sandbox.clock(advance_seconds=10 * 3600)

    metrics = instagram.fetch_metrics(ada, [media_id])[media_id]

    assert metrics.impressions > 0
    for value in (
        metrics.reach,
        metrics.reactions,
        metrics.comments,
        metrics.reshares,
        metrics.saves,
    ):
        assert value is not None
    assert metrics.video_views is None
    # total_interactions (SOCIAL_APIS.md's metric list) is requested and kept.
    [insights] = [r for r in sandbox.requests_log() if r["route"] == "insights"]
    assert "total_interactions" in insights["query"]
    assert metrics.interactions == (
        metrics.reactions + metrics.comments + metrics.reshares + metrics.saves
    )


def test_missing_insights_are_unknown_not_zero(sandbox, instagram, ada):
    sandbox.config(instagram_in_progress_polls=0, insights_lag_seconds=172800)
    media_id = instagram.publish(ada, photo()).external_id

    metrics = instagram.fetch_metrics(ada, [media_id])[media_id]

    assert metrics.impressions is None and metrics.reach is None and metrics.reactions is None


# ---- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "scope"), [(4, "app"), (613, "account"), (80002, "account")])
def test_throttling_codes_are_rate_limited(sandbox, instagram, ada, code, scope):
    sandbox.fault(
        "rate_limit", network="instagram", endpoint="media.create", code=code, retry_after=600
    )
    with pytest.raises(RateLimited) as error:
        instagram.publish(ada, photo())
    assert error.value.scope == scope
    if code != 4:  # X-Business-Use-Case-Usage says how long (in minutes)
        assert error.value.retry_after == 600


def test_a_revoked_token_requires_reconnecting(sandbox, instagram, ada):
    sandbox.fault("revoked_token", network="instagram", subcode=458)
    with pytest.raises(ReauthRequired):
        instagram.publish(ada, photo())


def test_a_missing_permission_is_permission_missing(sandbox, instagram):
    connection = sandbox.connect("instagram", scopes=["instagram_business_basic"])
    with pytest.raises(PermissionMissing):
        instagram.publish(AccountRef(connection.profile_id, connection.access_token), photo())


def test_server_errors_are_transient(sandbox, instagram, ada):
    sandbox.fault("server_error", network="instagram", endpoint="media.create", status=502)
    with pytest.raises(Transient):
        instagram.publish(ada, photo())


def test_a_lost_publish_answer_is_an_unknown_outcome(sandbox, instagram, ada):
    sandbox.fault("lost_response", network="instagram", endpoint="media.publish")
    pending = instagram.publish(ada, photo()).pending_id
    with pytest.raises(UnknownOutcome):
        instagram.poll_pending(ada, pending)
    assert len(sandbox.instagram_media()) == 1


# ---- tokens ---------------------------------------------------------------------------------


def test_a_young_token_is_not_refreshed_yet(sandbox, instagram, ada, ada_connection):
    tokens = TokenSet(ada_connection.access_token, ada_connection.expires_at)
    assert instagram.refresh(ada, tokens) is tokens


def test_a_token_a_day_old_is_refreshed_with_ig_refresh_token(
    sandbox, instagram, ada, ada_connection
):
    tokens = TokenSet(ada_connection.access_token, ada_connection.expires_at)
    sandbox.clock(advance_seconds=25 * 3600)
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        fresh = instagram.refresh(ada, tokens)
        assert fresh.expires_at > timezone.now() + timedelta(days=59)
    assert fresh.access_token != tokens.access_token
    assert sandbox.admin("GET", f"tokens/{fresh.access_token}")["kind"] == "long"


def test_an_expired_token_cannot_be_refreshed(instagram, ada, ada_connection):
    tokens = TokenSet(ada_connection.access_token, timezone.now() - timedelta(minutes=1))
    with pytest.raises(ReauthRequired):
        instagram.refresh(ada, tokens)
