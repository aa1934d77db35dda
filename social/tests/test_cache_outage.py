"""With the cache's Redis down, request paths go on without it (issue 12 item 6).

The cache is a private redis-server (``social.tests.redis_support``) that the test stops: the
redirect still answers 302 and counts the click once, and the other request-path readers of the
cache (quota marks, connector error counters, the caption checker's rules) answer from the
database or as "nothing cached", with a warning in the log.
"""

from __future__ import annotations

import logging

import pytest
from django.core.cache import caches
from django.urls import reverse

from content_library.tests.factories import ApprovedItemFactory
from guidelines.checker import compiled_rules
from guidelines.models import GuidelineRule
from social.connectors.base import Transient
from social.connectors.error_counts import error_count_record, error_counts, last_error
from social.models import Share, ShareState, TrackedLink
from social.services import clicks, quotas
from social.services.clicks import clicks_drain
from social.services.links import tracked_link_create, tracked_link_set_active
from social.tests.factories import ShareFactory
from social.tests.redis_support import private_redis  # noqa: F401 - fixture

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"


@pytest.fixture
def redis_cache(settings, private_redis):  # noqa: F811
    """The Django cache and the click queue on a private redis-server the test can stop."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": private_redis.url,
            "KEY_PREFIX": "chorus-outage",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.CLICKS_REDIS_URL = private_redis.url
    clicks._redis_down_until.clear()
    yield private_redis
    clicks._redis_down_until.clear()


@pytest.fixture
def link(world) -> TrackedLink:
    item = ApprovedItemFactory.create(organization=world.a.org, url="https://example.com/story")
    share = ShareFactory.create(
        membership=world.a.members["employee"], item=item, state=ShareState.PUBLISHED
    )
    return tracked_link_create(share=share)


def _redirect(client, link: TrackedLink):
    return client.get(
        reverse("tracked_link_redirect", kwargs={"code": link.code}), HTTP_USER_AGENT=FIREFOX
    )


def test_the_redirect_works_and_counts_the_click_once_with_redis_down(
    client, link, redis_cache, caplog
):
    assert caches["default"].get("anything") is None  # the private Redis answers
    redis_cache.stop()
    with caplog.at_level(logging.WARNING):
        response = _redirect(client, link)
    assert response.status_code == 302
    assert response["Location"] == link.target_url
    assert any("cache unavailable" in r.getMessage() for r in caplog.records)
    result = clicks_drain()  # Redis is still down: the database row is counted
    assert result.counted == 1
    link.refresh_from_db()
    assert (link.human_clicks, Share.objects.get(pk=link.share_id).clicks) == (1, 1)
    assert clicks_drain().counted == 0


def test_a_link_cached_before_the_outage_still_stops_at_once(client, link, redis_cache):
    assert _redirect(client, link).status_code == 302  # cached while Redis is up
    redis_cache.stop()
    tracked_link_set_active(link=link, active=False)  # the eviction cannot reach Redis
    assert _redirect(client, link).status_code == 404  # the database answers


def test_request_path_readers_of_the_cache_go_on_without_it(world, redis_cache):
    GuidelineRule.objects.create(
        organization=world.a.org, kind="banned_term", pattern="forbidden", message="No."
    )
    redis_cache.stop()
    assert quotas.blocked_until("linkedin", "someone") is None
    error_count_record("linkedin", Transient("down", code="timeout"))
    assert error_counts("linkedin") == {}
    assert last_error("linkedin") is None
    assert [r.pattern for r in compiled_rules(world.a.org).rules] == ["forbidden"]
