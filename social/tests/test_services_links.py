"""Tracked links: UTM targets, code shape, and the public /s/<code> redirect."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse

from advocacy.networks import Network
from content_library.tests.factories import ApprovedItemFactory
from social.models import ClickEvent, ShareState, TrackedLink
from social.services.links import (
    new_code,
    tracked_link_create,
    tracked_link_set_active,
    tracked_link_url,
    utm_url,
)
from social.tests.factories import ShareFactory


@pytest.fixture(autouse=True)
def _no_redis(settings):
    """These tests take the database path (the Redis path is in test_clicks.py)."""
    settings.CLICKS_REDIS_URL = ""
    cache.clear()
    yield
    cache.clear()


def _link(world, url: str = "https://example.com/news?ref=home", **share_fields) -> TrackedLink:
    item = ApprovedItemFactory.create(organization=world.a.org, url=url)
    share = ShareFactory.create(
        membership=world.a.members["employee"],
        item=item,
        state=ShareState.PUBLISHED,
        utm_campaign="spring",
        **share_fields,
    )
    return tracked_link_create(share=share)


def _without_csrf(page: bytes) -> bytes:
    """The page with its per-request CSRF tokens blanked."""
    return re.sub(rb'(X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]*', rb"\1", page)


def _redirect(link: TrackedLink) -> str:
    return reverse("tracked_link_redirect", kwargs={"code": link.code})


# ---- UTM parameters and codes ----------------------------------------------------------------


def test_utm_url_keeps_existing_query_and_fragment():
    url = utm_url("https://example.com/a?x=1&y=two#top", network="linkedin", campaign="spring")
    parts = urlsplit(url)
    assert parts.fragment == "top"
    assert parse_qsl(parts.query) == [
        ("x", "1"),
        ("y", "two"),
        ("utm_source", "linkedin"),
        ("utm_medium", "employee_advocacy"),
        ("utm_campaign", "spring"),
    ]


def test_utm_url_replaces_existing_utm_parameters_instead_of_duplicating():
    url = utm_url(
        "https://example.com/?utm_source=newsletter&utm_medium=email&keep=1&utm_content=old",
        network="facebook",
        campaign="c1",
        content="item-9",
    )
    query = parse_qsl(urlsplit(url).query)
    keys = [k for k, _v in query]
    assert len(keys) == len(set(keys))
    assert dict(query) == {
        "keep": "1",
        "utm_source": "facebook",
        "utm_medium": "employee_advocacy",
        "utm_campaign": "c1",
        "utm_content": "item-9",
    }


def test_tracked_link_target_carries_network_campaign_and_content(world):
    link = _link(world, network=Network.LINKEDIN)
    query = dict(parse_qsl(urlsplit(link.target_url).query))
    assert query == {
        "ref": "home",
        "utm_source": "linkedin",
        "utm_medium": "employee_advocacy",
        "utm_campaign": "spring",
        "utm_content": f"item-{link.item_id}",
    }
    assert tracked_link_url(link).endswith(f"/s/{link.code}")


def test_codes_are_short_url_safe_and_unguessable():
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000  # ~60 random bits: no collisions in practice
    for code in codes:
        assert re.fullmatch(r"[A-Za-z0-9_-]{10}", code)


def test_tracked_link_create_is_idempotent_per_share(world):
    link = _link(world)
    assert link.share is not None
    assert tracked_link_create(share=link.share) == link
    assert TrackedLink.objects.count() == 1


# ---- the redirect ----------------------------------------------------------------------------


def test_redirect_is_302_to_the_stored_url_only(client, world):
    link = _link(world)
    response = client.get(_redirect(link))
    assert response.status_code == 302
    assert response["Location"] == link.target_url
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"


def test_head_is_answered_with_the_same_redirect(client, world):
    link = _link(world)
    response = client.head(_redirect(link), HTTP_USER_AGENT="Mozilla/5.0 Firefox/130.0")
    assert response.status_code == 302
    assert response["Location"] == link.target_url
    # Browsers never HEAD a link they follow: counted apart from people.
    assert ClickEvent.objects.get().is_bot


def test_post_is_not_allowed(client, world):
    link = _link(world)
    assert client.post(_redirect(link)).status_code == 405
    assert not ClickEvent.objects.exists()


def test_unknown_and_disabled_codes_give_the_same_404(client, world):
    link = _link(world)
    tracked_link_set_active(link=link, active=False)
    disabled = client.get(_redirect(link))
    unknown = client.get(reverse("tracked_link_redirect", kwargs={"code": "nosuchcode"}))
    malformed = client.get("/s/%3Cscript%3E")
    assert disabled.status_code == unknown.status_code == malformed.status_code == 404
    # The same page (it names the requested path, in the language switcher's "next").
    assert _without_csrf(disabled.content).replace(link.code.encode(), b"CODE") == (
        _without_csrf(unknown.content).replace(b"nosuchcode", b"CODE")
    )
    assert not ClickEvent.objects.exists()


def test_deactivating_evicts_the_cached_target(client, world, django_assert_num_queries):
    link = _link(world)
    assert client.get(_redirect(link)).status_code == 302  # now cached
    tracked_link_set_active(link=link, active=False)
    assert client.get(_redirect(link)).status_code == 404
    tracked_link_set_active(link=link, active=True)
    assert client.get(_redirect(link)).status_code == 302


def test_redirect_costs_one_lookup_then_only_the_click_insert(
    client, world, django_assert_num_queries
):
    link = _link(world)
    with django_assert_num_queries(2):  # SELECT by code + INSERT of the click
        client.get(_redirect(link))
    with django_assert_num_queries(1):  # cached: the INSERT only
        client.get(_redirect(link))


def test_request_input_never_changes_the_destination(client, world):
    link = _link(world)
    response = client.get(
        _redirect(link) + "?next=https://evil.example/&url=https://evil.example/&utm_source=x",
        HTTP_HOST="evil.example",
        HTTP_REFERER="https://evil.example/",
        HTTP_X_FORWARDED_HOST="evil.example",
    )
    assert response.status_code == 302
    assert response["Location"] == link.target_url
    assert client.get(_redirect(link) + "/https://evil.example/").status_code == 404


def test_a_tampered_target_that_is_not_http_is_refused(client, world):
    link = _link(world)
    TrackedLink.objects.filter(pk=link.pk).update(target_url="javascript:alert(1)")
    cache.clear()
    assert client.get(_redirect(link)).status_code == 404


def test_the_redirect_serves_whatever_url_is_stored_for_the_code(client, world):
    """The Location is exactly the stored target: changing it in the database (and the cache
    expiring) changes the redirect, and nothing else can."""
    link = _link(world)
    TrackedLink.objects.filter(pk=link.pk).update(target_url="https://example.org/moved")
    tracked_link_set_active(link=link, active=True)  # evicts the cache
    assert client.get(_redirect(link))["Location"] == "https://example.org/moved"
