"""Every keyset-paged API list decodes its cursor through the one decoder
(``advocacy.keyset.cursor_decode``): a cursor it did not give out is a 400 in the API's
error format, never a 500 (issue 12, item 1)."""

from __future__ import annotations

import base64

import pytest

from advocacy.api.pagination import KeysetPagination

#: The ten lists that answered 500 to ``?cursor=cD1hYmM=``, and the audit log.
LISTS = {
    "items": "/api/v1/orgs/{org}/content/items/",
    "sources": "/api/v1/orgs/{org}/content/sources/",
    "suggestions": "/api/v1/orgs/{org}/content/suggestions/",
    "topics": "/api/v1/orgs/{org}/content/topics/",
    "policy documents": "/api/v1/orgs/{org}/guidelines/documents/",
    "rules": "/api/v1/orgs/{org}/guidelines/rules/",
    "invitations": "/api/v1/orgs/{org}/invitations/",
    "members": "/api/v1/orgs/{org}/members/",
    "shares": "/api/v1/orgs/{org}/shares/",
    "tokens": "/api/v1/tokens/",
    "audit log": "/api/v1/orgs/{org}/audit-log/",
}


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


BAD_CURSORS = [
    "cD1hYmM=",  # "p=abc": DRF's old format with a position that is not a number
    _b64('["abc"]'),  # our format, a string where an id belongs
    _b64("[true]"),  # a boolean is not an id either
    _b64("[1, 2, 3]"),  # the wrong number of values
    "%%%not-base64%%%",
    _b64("\xff\xfe"),
]


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("cursor", BAD_CURSORS)
def test_a_cursor_this_list_did_not_give_out_is_a_400(world, api_client, name, cursor):
    api_client.force_login(world.a.admin)
    url = LISTS[name].format(org=world.a.org.slug)
    assert api_client.get(url).status_code == 200
    resp = api_client.get(url, {"cursor": cursor})
    assert resp.status_code == 400, (name, resp.status_code, resp.content[:300])
    body = resp.json()
    assert body["code"] == "invalid" and body["status"] == 400
    assert list(body["errors"]) == ["cursor"]


@pytest.mark.parametrize("name", LISTS)
def test_every_list_pages_through_the_keyset_pagination(world, api_client, name):
    from django.urls import resolve

    view = resolve(LISTS[name].format(org=world.a.org.slug)).func
    cls = getattr(view, "cls", None)
    assert cls is not None and issubclass(cls.pagination_class, KeysetPagination), name


def test_a_cursor_given_out_still_pages(world, api_client):
    api_client.force_login(world.a.admin)
    url = LISTS["members"].format(org=world.a.org.slug)
    first = api_client.get(url, {"page_size": 2}).json()
    assert first["next"] and first["next_cursor"]
    second = api_client.get(url, {"page_size": 2, "cursor": first["next_cursor"]})
    assert second.status_code == 200
    ids = [m["id"] for m in first["results"]] + [m["id"] for m in second.json()["results"]]
    assert len(ids) == len(set(ids)) == 4
