"""Every library page renders for each role that may open it."""

from __future__ import annotations

import pytest

from content_library.models import Kind
from content_library.services.items import content_item_create
from content_library.services.review import content_item_approve
from content_library.services.suggestions import suggestion_submit
from content_library.tests.factories import FeedSourceFactory


def m(tenant, role):
    return tenant.members[role]


def url(world, path):
    return f"/o/{world.a.org.slug}/{path}"


def approved(world, **kw):
    kw.setdefault("kind", Kind.TEXT)
    kw.setdefault("captions", [("linkedin", "Proud of the team #acme")])
    item = content_item_create(actor=m(world.a, "manager"), **kw)
    return content_item_approve(actor=m(world.a, "admin"), item=item)


ROLES = ["employee", "manager", "hr", "admin"]


EVERYONE = ["feed/", "content/suggest/"]


CURATORS = [
    "content/library/",
    "content/review/",
    "content/sources/",
    "content/topics/",
    "content/items/new/",
]


@pytest.mark.parametrize("role", ROLES)
def test_pages_render_for_each_role(world, client, role):
    item = approved(world, title="Visible to all")
    s = suggestion_submit(actor=m(world.a, "employee"), kind="link", url="https://example.com/s")
    src = FeedSourceFactory.create(organization=world.a.org)
    client.force_login(world.a.user(role))
    curator = role in ("manager", "admin")
    for path in [*EVERYONE, f"content/items/{item.pk}/"]:
        assert client.get(url(world, path)).status_code == 200, path
    for path in [*CURATORS, f"content/items/{item.pk}/edit/", f"content/sources/{src.pk}/"]:
        assert client.get(url(world, path)).status_code == (200 if curator else 403), path
    assert client.get(url(world, f"content/suggestions/{s.pk}/")).status_code == (
        200 if curator else 403
    )
    html = client.get(url(world, "feed/")).content.decode()
    assert "Visible to all" in html
    assert ("Review queue" in html) == curator
