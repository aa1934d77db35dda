"""Clicks on tracked links: who clicked (bots apart), what is kept (no IP), and that every
click is counted exactly once whether it went through Redis or straight to the database."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from content_library.tests.factories import ApprovedItemFactory
from social.bots import detect_bot
from social.models import ClickEvent, Share, ShareState, TrackedLink
from social.services import clicks
from social.services.clicks import clicks_drain, referrer_network, visitor_hash
from social.services.links import tracked_link_create
from social.tasks import clicks_drain as clicks_drain_task
from social.tests.factories import ShareFactory
from social.tests.redis_support import free_port, private_redis  # noqa: F401 - fixture

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)

PREVIEW_BOTS = {
    "LinkedInBot": "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "facebookexternalhit": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Twitterbot": "Twitterbot/1.0",
    "Slackbot": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "WhatsApp": "WhatsApp/2.23.20.0 A",
    "TelegramBot": "TelegramBot (like TwitterBot)",
    "Discordbot": "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "SkypeUriPreview": "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
    "Googlebot": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Applebot": "Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Applebot/0.1",
}


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    clicks._redis_down_until.clear()
    yield
    cache.clear()
    clicks._redis_down_until.clear()


@pytest.fixture
def db_path(settings):
    settings.CLICKS_REDIS_URL = ""


@pytest.fixture
def link(world) -> TrackedLink:
    item = ApprovedItemFactory.create(organization=world.a.org, url="https://example.com/story")
    share = ShareFactory.create(
        membership=world.a.members["employee"], item=item, state=ShareState.PUBLISHED
    )
    return tracked_link_create(share=share)


def _click(client, link: TrackedLink, **headers: str):
    headers.setdefault("HTTP_USER_AGENT", FIREFOX)
    response = client.get(reverse("tracked_link_redirect", kwargs={"code": link.code}), **headers)
    assert response.status_code == 302
    return response


def _counters(link: TrackedLink) -> tuple[int, int, int]:
    link.refresh_from_db()
    return link.human_clicks, link.bot_clicks, Share.objects.get(pk=link.share_id).clicks


# ---- who clicked -----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "user_agent"), sorted(PREVIEW_BOTS.items()))
def test_each_preview_bot_is_recognised_by_name(name, user_agent):
    assert detect_bot(user_agent) == name


@pytest.mark.parametrize("user_agent", [FIREFOX, IPHONE_SAFARI])
def test_browsers_are_people(user_agent):
    assert detect_bot(user_agent) == ""


def test_scripts_and_empty_agents_are_machines():
    assert detect_bot("curl/8.5.0") == "script"
    assert detect_bot("python-requests/2.32") == "script"
    assert detect_bot("SomeCrawler/1.0") == "crawler"
    assert detect_bot("") == "no user agent"


@pytest.mark.parametrize(
    ("referer", "network"),
    [
        ("https://www.linkedin.com/feed/", "linkedin"),
        ("https://lnkd.in/abc", "linkedin"),
        ("https://l.instagram.com/?u=x", "instagram"),
        ("https://m.facebook.com/", "facebook"),
        ("https://fb.me/x", "facebook"),
        ("https://t.co/xyz", "x"),
        ("https://x.com/someone", "x"),
        ("https://news.example.org/", "other"),
        ("https://notlinkedin.com/", "other"),
        ("", ""),
    ],
)
def test_referrer_network_comes_from_the_referer_host(referer, network):
    assert referrer_network(referer) == network


def test_bots_get_the_redirect_but_are_counted_apart(client, link, db_path):
    for user_agent in PREVIEW_BOTS.values():
        _click(client, link, HTTP_USER_AGENT=user_agent)
    _click(client, link)
    clicks_drain()
    assert _counters(link) == (1, len(PREVIEW_BOTS), 1)
    names = set(ClickEvent.objects.filter(is_bot=True).values_list("bot_name", flat=True))
    assert names == set(PREVIEW_BOTS)


def test_a_human_click_is_recorded_with_a_hash_not_the_ip(client, link, db_path, settings):
    settings.CLICK_COUNTRY_HEADER = "CF-IPCountry"
    settings.CLICK_HASH_SALT = "pepper"
    _click(
        client,
        link,
        REMOTE_ADDR="203.0.113.77",
        HTTP_REFERER="https://www.linkedin.com/feed/update/urn:li:share:1",
        HTTP_CF_IPCOUNTRY="lt",
    )
    event = ClickEvent.objects.get()
    assert (event.link_id, event.share_id, event.organization_id) == (
        link.pk,
        link.share_id,
        link.organization_id,
    )
    assert not event.is_bot and event.bot_name == ""
    assert event.referrer_network == "linkedin"
    assert event.country == "LT"
    day = event.occurred_at.date().isoformat()
    assert event.visitor_hash == visitor_hash("203.0.113.77", day)
    assert len(event.visitor_hash) == 64
    stored = json.dumps(
        list(ClickEvent.objects.values().get().values()), default=str
    )  # every column
    assert "203.0.113.77" not in stored


def test_country_needs_the_configured_header(client, link, db_path, settings):
    settings.CLICK_COUNTRY_HEADER = "X-Country-Code"
    _click(client, link, HTTP_CF_IPCOUNTRY="LT")  # not the configured header
    _click(client, link, HTTP_X_COUNTRY_CODE="EE")
    _click(client, link, HTTP_X_COUNTRY_CODE="XX")  # unknown
    assert sorted(ClickEvent.objects.values_list("country", flat=True)) == ["", "", "EE"]


def test_forwarded_for_is_only_believed_behind_trusted_proxies(client, link, db_path, settings):
    def day_hash(ip: str) -> str:
        return visitor_hash(ip, ClickEvent.objects.latest("pk").occurred_at.date().isoformat())

    _click(client, link, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert ClickEvent.objects.latest("pk").visitor_hash == day_hash("10.0.0.5")
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged a first hop; the trusted proxy appended what it really saw.
    _click(client, link, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1")
    assert ClickEvent.objects.latest("pk").visitor_hash == day_hash("198.51.100.1")


# ---- counting without Redis (the embedded default) -------------------------------------------


def test_database_path_counts_each_click_once(client, link, db_path, django_assert_max_num_queries):
    for _ in range(3):
        _click(client, link)
    _click(client, link, HTTP_USER_AGENT=PREVIEW_BOTS["LinkedInBot"])
    assert _counters(link) == (0, 0, 0)  # counted by the drain, not on the request path
    with django_assert_max_num_queries(8):
        result = clicks_drain()
    assert (result.taken, result.counted) == (0, 4)
    assert _counters(link) == (3, 1, 3)
    assert clicks_drain().counted == 0
    assert _counters(link) == (3, 1, 3)


def test_the_drain_task_runs_the_same_code(client, link, db_path):
    _click(client, link)
    assert clicks_drain_task.apply().get()["counted"] == 1
    assert _counters(link) == (1, 0, 1)


# ---- the Redis path --------------------------------------------------------------------------


def test_redis_path_queues_then_drain_stores_and_counts_once(
    client,
    link,
    settings,
    private_redis,  # noqa: F811
):
    settings.CLICKS_REDIS_URL = private_redis.url
    for _ in range(5):
        _click(client, link)
    _click(client, link, HTTP_USER_AGENT=PREVIEW_BOTS["Slackbot"])
    assert not ClickEvent.objects.exists()
    assert private_redis.client().llen(clicks.QUEUE_KEY) == 6
    result = clicks_drain(batch_size=4)
    assert (result.taken, result.inserted, result.counted) == (6, 6, 6)
    assert _counters(link) == (5, 1, 5)
    again = clicks_drain()
    assert (again.taken, again.inserted, again.counted) == (0, 0, 0)
    assert _counters(link) == (5, 1, 5)
    assert private_redis.client().llen(clicks.PROCESSING_KEY) == 0


def test_a_batch_replayed_after_a_crash_is_not_counted_twice(
    client,
    link,
    settings,
    private_redis,  # noqa: F811
):
    settings.CLICKS_REDIS_URL = private_redis.url
    for _ in range(3):
        _click(client, link)
    redis_client = private_redis.client()
    queued = redis_client.lrange(clicks.QUEUE_KEY, 0, -1)
    clicks_drain()
    # A drain that stored the batch but died before trimming leaves it in processing.
    redis_client.rpush(clicks.PROCESSING_KEY, *queued)
    result = clicks_drain()
    assert (result.taken, result.inserted) == (3, 0)
    assert ClickEvent.objects.count() == 3
    assert _counters(link) == (3, 0, 3)


def test_queued_events_for_a_deleted_link_are_dropped(client, link, settings, private_redis):  # noqa: F811
    settings.CLICKS_REDIS_URL = private_redis.url
    _click(client, link)
    TrackedLink.objects.filter(pk=link.pk).delete()
    result = clicks_drain()
    assert (result.taken, result.inserted) == (1, 0)
    assert private_redis.client().llen(clicks.PROCESSING_KEY) == 0


def test_a_click_while_redis_is_unreachable_goes_to_the_database(client, link, settings):
    settings.CLICKS_REDIS_URL = f"redis://127.0.0.1:{free_port()}/7"  # nothing listens there
    _click(client, link)
    assert ClickEvent.objects.count() == 1  # the fallback row
    result = clicks_drain()
    assert result.error  # the queue could not be read...
    assert result.counted == 1  # ...but the row written meanwhile is counted
    assert _counters(link) == (1, 0, 1)


def test_a_click_recorded_while_redis_is_down_is_counted_once_it_is_back(
    client,
    link,
    settings,
    private_redis,  # noqa: F811
):
    settings.CLICKS_REDIS_URL = private_redis.url
    _click(client, link)  # queued in Redis
    private_redis.stop()  # Redis goes away between push and drain
    _click(client, link)  # written to the database instead
    down = clicks_drain()
    assert down.error and down.taken == 0
    assert down.counted == 1  # the database row
    private_redis.start()  # back, with what was queued before it went away
    back = clicks_drain()
    assert (back.taken, back.inserted, back.counted) == (1, 1, 1)
    assert _counters(link) == (2, 0, 2)
    assert clicks_drain().counted == 0
    assert ClickEvent.objects.filter(counted=True).count() == 2
