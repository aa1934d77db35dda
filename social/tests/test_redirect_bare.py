"""The tracked-link redirect is a bare route (advocacy/bare_routes.py): it is answered before
the session, locale, CSRF, auth and message middleware, costs no SQL on a cache hit, hands
the click to Redis in one round trip, sets no cookie and keeps the headers that matter."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from content_library.tests.factories import ApprovedItemFactory
from social.models import ShareState, TrackedLink
from social.services import clicks
from social.services.clicks import QUEUE_KEY, clicks_drain
from social.services.links import tracked_link_create
from social.tests.factories import ShareFactory
from social.tests.redis_support import private_redis  # noqa: F401 - fixture

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"
TARGET = "https://example.com/story"
SKIPPED = (
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "advocacy.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
)


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    clicks._redis_down_until.clear()
    yield
    cache.clear()
    clicks._redis_down_until.clear()


@pytest.fixture
def link(world) -> TrackedLink:
    item = ApprovedItemFactory.create(organization=world.a.org, url=TARGET)
    share = ShareFactory.create(
        membership=world.a.members["employee"], item=item, state=ShareState.PUBLISHED
    )
    return tracked_link_create(share=share)


@pytest.fixture
def clicks_redis(private_redis, settings):  # noqa: F811 - the fixture above
    settings.CLICKS_REDIS_URL = private_redis.url
    return private_redis


def _url(link: TrackedLink) -> str:
    return reverse("tracked_link_redirect", kwargs={"code": link.code})


def test_the_bare_route_runs_before_the_session_locale_csrf_auth_and_messages() -> None:
    middleware = settings.MIDDLEWARE
    bare = middleware.index("advocacy.bare_routes.BareRouteMiddleware")
    assert middleware[bare - 1] == "django.middleware.security.SecurityMiddleware"
    for name in SKIPPED:
        assert middleware.index(name) > bare, name
    assert settings.BARE_ROUTES == {"/s/": "social.urls.links"}


def test_a_cache_hit_costs_no_sql_and_one_redis_command_for_the_click(
    client, link, clicks_redis
) -> None:
    url = _url(link)
    assert client.get(url, HTTP_USER_AGENT=FIREFOX).status_code == 302  # fills the cache
    queued = clicks_redis.client().llen(QUEUE_KEY)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_USER_AGENT=FIREFOX)
    assert response.status_code == 302 and response["Location"] == link.target_url
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert clicks_redis.client().llen(QUEUE_KEY) == queued + 1
    info = clicks_redis.client().info("commandstats")
    assert info["cmdstat_rpush"]["calls"] == 2  # one RPUSH per click, nothing else written
    assert clicks_drain().inserted == 2


def test_a_signed_in_reader_keeps_the_session_untouched_and_gets_no_cookie(
    client, world, link, clicks_redis
) -> None:
    client.force_login(world.a.members["employee"].user)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.get(_url(link), HTTP_USER_AGENT=FIREFOX)  # fills the cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url(link), HTTP_USER_AGENT=FIREFOX, HTTP_ACCEPT_LANGUAGE="lt")
    assert response.status_code == 302
    assert len(queries) == 0, [q["sql"] for q in queries]  # no session, no user read
    assert not response.cookies  # no Set-Cookie: no session, CSRF or language cookie
    assert "Set-Cookie" not in response.headers and "Vary" not in response.headers
    request = response.wsgi_request
    assert not hasattr(request, "session") and not hasattr(request, "user")
    assert not hasattr(request, "_messages") and "CSRF_COOKIE" not in request.META
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == session_key


def test_the_redirect_keeps_its_headers(client, link, clicks_redis) -> None:
    response = client.get(_url(link), HTTP_USER_AGENT=FIREFOX)
    assert response.status_code == 302
    assert response["Location"] == link.target_url
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex"
    assert response["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware still runs
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_query_string_and_headers_never_change_the_target(client, link, clicks_redis) -> None:
    response = client.get(
        _url(link) + "?next=https://evil.example/&url=https://evil.example/",
        HTTP_USER_AGENT=FIREFOX,
        HTTP_REFERER="https://evil.example/",
        HTTP_X_FORWARDED_HOST="evil.example",
    )
    assert response.status_code == 302 and response["Location"] == link.target_url


def test_unknown_disabled_and_malformed_codes_get_the_full_stack_404(client, link) -> None:
    unknown = client.get(reverse("tracked_link_redirect", kwargs={"code": "nosuchcode"}))
    malformed = client.get("/s/%3Cscript%3E")
    nested = client.get(f"/s/{link.code}/more")
    TrackedLink.objects.filter(pk=link.pk).update(is_active=False)
    disabled = client.get(_url(link))
    for response in (unknown, malformed, nested, disabled):
        assert response.status_code == 404
        # Rendered by the full stack like every other 404 page (locale, user, messages ran).
        assert hasattr(response.wsgi_request, "user")
        assert hasattr(response.wsgi_request, "session")


def test_other_methods_go_down_the_full_stack(client, link) -> None:
    response = client.post(_url(link))
    assert response.status_code == 405
    assert hasattr(response.wsgi_request, "session")
    assert not TrackedLink.objects.get(pk=link.pk).clicks.exists()


def test_a_host_outside_allowed_hosts_is_refused(client, link, settings) -> None:
    settings.ALLOWED_HOSTS = ["chorus.example"]
    assert client.get(_url(link), HTTP_HOST="evil.example").status_code == 400
    assert client.get(_url(link), HTTP_HOST="chorus.example").status_code == 302


def test_head_and_bots_are_counted_apart_on_the_bare_route(client, link, settings) -> None:
    settings.CLICKS_REDIS_URL = ""  # straight to the database
    assert client.head(_url(link), HTTP_USER_AGENT=FIREFOX).status_code == 302
    assert client.get(_url(link), HTTP_USER_AGENT="LinkedInBot/1.0").status_code == 302
    assert client.get(_url(link), HTTP_USER_AGENT=FIREFOX).status_code == 302
    clicks_drain()
    link.refresh_from_db()
    assert (link.human_clicks, link.bot_clicks) == (1, 2)


def test_the_redis_cache_reuses_one_client_per_pool(settings) -> None:
    from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

    from advocacy.redis_cache import RedisCache

    if not settings.CACHES["default"]["BACKEND"].endswith("redis_cache.RedisCache"):
        pytest.skip("the tests run without Redis (no REDIS_URL)")
    backend = caches["default"]
    assert isinstance(backend, RedisCache) and isinstance(backend, DjangoRedisCache)
    client = backend._cache.get_client()
    assert backend._cache.get_client("any", write=True) is client
    backend.set("reuse-check", {"a": 1}, 5)
    assert backend.get("reuse-check") == {"a": 1} and backend._cache.get_client() is client
