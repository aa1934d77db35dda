"""The curators' library (content_library/views/library.py)."""

from __future__ import annotations

from content_library.models import Kind
from content_library.services.items import content_item_create
from content_library.services.review import content_item_approve


def m(tenant, role):
    return tenant.members[role]


def url(world, path):
    return f"/o/{world.a.org.slug}/{path}"


def approved(world, **kw):
    kw.setdefault("kind", Kind.TEXT)
    kw.setdefault("captions", [("linkedin", "Proud of the team #acme")])
    item = content_item_create(actor=m(world.a, "manager"), **kw)
    return content_item_approve(actor=m(world.a, "admin"), item=item)


def test_library_list_queries_and_search(world, client, django_assert_max_num_queries):
    for n in range(12):
        approved(world, title=f"Library {n}")
    approved(world, title="Findable zebra")
    client.force_login(world.a.user("manager"))
    with django_assert_max_num_queries(18):
        resp = client.get(url(world, "content/library/"))
    assert resp.status_code == 200
    html = client.get(url(world, "content/library/?q=zebra")).content.decode()
    assert "Findable zebra" in html and "Library 3" not in html
