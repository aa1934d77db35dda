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


def test_feed_cards_are_what_the_card_serializer_says(world, api_client):
    """The feed API builds its cards without DRF's per-field machinery
    (``api.feed.feed_card_data``): the same keys, order and values as
    ``FeedCardSerializer``, which stays the schema of the response."""
    import io
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from PIL import Image

    from content_library.api.feed import FeedCardSerializer, feed_card_data
    from content_library.selectors.feed import feed_page
    from content_library.services.share_marks import item_share_mark_record
    from content_library.services.topics import topic_create

    buf = io.BytesIO()
    Image.new("RGB", (30, 20), (200, 10, 10)).save(buf, format="PNG")
    topic = topic_create(actor=m(world.a, "manager"), name="Hiring")
    employee = m(world.a, "employee")
    approved(
        world,
        kind=Kind.LINK,
        title="With everything",
        url="https://example.com/a",
        topics=[topic],
        captions=[("linkedin", "c1"), ("x", "c2")],
        images=[(SimpleUploadedFile("x.png", buf.getvalue(), "image/png"), "Red")],
        expires_at=timezone.now() + timedelta(days=3),
        suggested_by=employee,
        is_pinned=True,
        priority=5,
    )
    plain = approved(world, title="Plain", body="")
    item_share_mark_record(item=plain, membership=employee)
    item_share_mark_record(item=plain, membership=m(world.a, "manager"))
    page = feed_page(membership=employee, page_size=10)
    assert len(page.items) == 2
    serialized = list(FeedCardSerializer(page.items, many=True).data)
    assert [feed_card_data(i) for i in page.items] == serialized
    api_client.force_authenticate(world.a.employee)
    results = api_client.get(f"{base(world)}/feed/").json()["results"]
    assert [list(r) for r in results] == [list(FeedCardSerializer.Meta.fields)] * 2
    assert results[0]["images"][0]["alt_text"] == "Red" and results[0]["suggested_by"]
    assert results[1]["shared_by_me"] is True and results[1]["colleagues_shared"] == 1
