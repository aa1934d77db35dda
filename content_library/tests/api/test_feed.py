"""The feed API (content_library/api/feed.py)."""

from __future__ import annotations

from content_library.models import Kind
from content_library.services.items import content_item_create
from content_library.services.review import content_item_approve


def m(tenant, role):
    return tenant.members[role]


def base(world):
    return f"/api/v1/orgs/{world.a.org.slug}/content"


def approved(world, **kw):
    kw.setdefault("kind", Kind.TEXT)
    item = content_item_create(actor=m(world.a, "manager"), **kw)
    return content_item_approve(actor=m(world.a, "admin"), item=item)


def test_feed_api_with_cursor_and_constant_queries(
    world, api_client, django_assert_max_num_queries
):
    for n in range(7):
        approved(world, title=f"i{n}", captions=[("linkedin", "c")])
    api_client.force_authenticate(world.a.employee)
    with django_assert_max_num_queries(12):
        resp = api_client.get(f"{base(world)}/feed/?page_size=5")
    data = resp.json()
    assert len(data["results"]) == 5 and data["next_cursor"]
    assert data["results"][0]["shared_by_me"] is False and "colleagues_shared" in data["results"][0]
    resp = api_client.get(f"{base(world)}/feed/?page_size=5&cursor={data['next_cursor']}")
    assert len(resp.json()["results"]) == 2 and resp.json()["next_cursor"] is None
    assert api_client.get(f"{base(world)}/feed/?cursor=garbage").status_code == 400
