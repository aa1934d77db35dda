"""A NUL byte in a filter of a content page or API list answers 400, never 500
(PostgreSQL refuses NUL in a string literal; issue 12, item 4)."""

from __future__ import annotations

import pytest

from content_library.models import Kind
from content_library.services.items import content_item_create
from content_library.services.review import content_item_approve

NUL = "a\x00b"
PAGE_PARAMS = ["q", "kind", "category", "language", "topic", "cursor"]


@pytest.fixture
def item(world):
    made = content_item_create(
        actor=world.a.members["manager"], title="Findable", kind=Kind.TEXT, captions=[]
    )
    return content_item_approve(actor=world.a.members["admin"], item=made)


@pytest.mark.parametrize("param", PAGE_PARAMS)
def test_feed_page_answers_400(world, client, item, param):
    client.force_login(world.a.employee)
    resp = client.get(f"/o/{world.a.org.slug}/feed/", {param: NUL})
    if param in ("topic", "cursor"):  # not text: already read as "no such topic" / first page
        assert resp.status_code == 200
        return
    assert resp.status_code == 400
    assert "not allowed" in resp.content.decode()


def test_feed_htmx_page_answers_400(world, client, item):
    client.force_login(world.a.employee)
    resp = client.get(f"/o/{world.a.org.slug}/feed/", {"q": NUL}, HTTP_HX_REQUEST="true")
    assert resp.status_code == 400


@pytest.mark.parametrize("param", [*PAGE_PARAMS, "status"])
def test_library_page_answers_400(world, client, item, param):
    client.force_login(world.a.user("manager"))
    resp = client.get(f"/o/{world.a.org.slug}/content/library/", {param: NUL})
    if param in ("topic", "cursor"):
        assert resp.status_code == 200
        return
    assert resp.status_code == 400
    assert "not allowed" in resp.content.decode()


@pytest.mark.parametrize("param", ["q", "kind", "category", "language", "status"])
@pytest.mark.parametrize("path", ["items/", "feed/"])
def test_content_api_lists_answer_400_in_the_error_format(world, api_client, item, path, param):
    api_client.force_authenticate(world.a.user("manager"))
    resp = api_client.get(f"/api/v1/orgs/{world.a.org.slug}/content/{path}", {param: NUL})
    assert resp.status_code == 400
    body = resp.json()
    assert body["code"] == "invalid" and param in body["errors"]


def test_suggestions_api_status_filter_answers_400(world, api_client):
    api_client.force_authenticate(world.a.user("manager"))
    resp = api_client.get(f"/api/v1/orgs/{world.a.org.slug}/content/suggestions/", {"status": NUL})
    assert resp.status_code == 400 and "status" in resp.json()["errors"]


def test_a_clean_filter_still_answers_200(world, client, api_client, item):
    client.force_login(world.a.employee)
    assert "Findable" in client.get(f"/o/{world.a.org.slug}/feed/?q=findable").content.decode()
    api_client.force_authenticate(world.a.employee)
    resp = api_client.get(f"/api/v1/orgs/{world.a.org.slug}/content/items/?q=findable")
    assert resp.status_code == 200 and resp.json()["results"][0]["title"] == "Findable"
