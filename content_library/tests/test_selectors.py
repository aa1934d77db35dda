from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content_library.models import Kind
from content_library.selectors.feed import feed_page
from content_library.selectors.filters import ItemFilters
from content_library.selectors.visibility import visible_items
from content_library.services.items import content_item_create
from content_library.services.review import content_item_approve, content_item_archive
from content_library.services.share_marks import item_share_mark_record
from content_library.services.topics import topic_create


def m(tenant, role):
    return tenant.members[role]


def approved(world, tenant=None, **kw):
    tenant = tenant or world.a
    kw.setdefault("title", "Item")
    kw.setdefault("kind", Kind.TEXT)
    kw.setdefault("captions", [("linkedin", "Caption")])
    item = content_item_create(actor=m(tenant, "manager"), **kw)
    return content_item_approve(actor=m(tenant, "admin"), item=item)


def titles(membership, **kw):
    return [i.title for i in feed_page(membership=membership, page_size=50, **kw).items]


def test_drafts_and_reviews_never_reach_the_feed(world):
    content_item_create(actor=m(world.a, "manager"), title="Draft", kind=Kind.TEXT)
    approved(world, title="Live")
    assert titles(m(world.a, "employee")) == ["Live"]
    assert titles(m(world.b, "employee")) == []


def test_publish_and_expiry_windows(world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        approved(
            world,
            title="Later",
            publish_at=start + timedelta(days=1),
            expires_at=start + timedelta(days=3),
        )
        approved(world, title="Now")
        emp = m(world.a, "employee")
        assert titles(emp) == ["Now"]
    with time_machine.travel(start + timedelta(days=1, minutes=1), tick=False):
        assert titles(emp) == ["Later", "Now"]
    with time_machine.travel(start + timedelta(days=3, minutes=1), tick=False):
        assert titles(emp) == ["Now"]


def test_targeting_by_department_location_and_role(world):
    emp = m(world.a, "employee")
    emp.location = "Vilnius"
    emp.save()
    from tests.factories import DepartmentFactory

    other_dept = DepartmentFactory(organization=world.a.org, name="Engineering")
    approved(world, title="Everyone")
    approved(world, title="Sales", departments=[world.a.department])
    approved(world, title="Engineering", departments=[other_dept])
    approved(world, title="Vilnius", locations=["vilnius"])
    approved(world, title="Tallinn", locations=["Tallinn"])
    approved(world, title="Managers", roles=["manager"])
    approved(
        world, title="Sales in Tallinn", departments=[world.a.department], locations=["Tallinn"]
    )
    assert sorted(titles(emp)) == ["Everyone", "Sales", "Vilnius"]
    assert "Managers" in titles(m(world.a, "manager"))


def test_language_variant_and_fallback_to_org_default(world):
    emp = m(world.a, "employee")
    en = approved(world, title="New office")
    approved(world, title="Naujas biuras", language="lt", translation_of=en)
    approved(world, title="Only English")
    content_item_create(
        actor=m(world.a, "manager"), title="Lt draft", kind=Kind.TEXT, language="lt"
    )
    et_only = approved(world, title="Eesti ainult", language="et")
    assert sorted(titles(emp)) == ["New office", "Only English"]
    emp.language = "lt"
    emp.save()
    assert sorted(titles(emp)) == ["Naujas biuras", "Only English"]
    # Not the member's language nor the org default: skipped.
    assert et_only.title not in titles(emp)


def test_unapproved_variant_falls_back_to_default(world):
    emp = m(world.a, "employee")
    emp.language = "lt"
    emp.save()
    en = approved(world, title="English")
    content_item_create(
        actor=m(world.a, "manager"),
        title="Lietuviškai",
        kind=Kind.TEXT,
        language="lt",
        translation_of=en,
    )
    assert titles(emp) == ["English"]


def test_feed_order_pinned_then_unshared_then_newest(world):
    emp = m(world.a, "employee")
    t0 = timezone.now()
    items = {}
    for n, title in enumerate(["old", "shared-new", "new", "pinned-old"]):
        with time_machine.travel(t0 + timedelta(minutes=n), tick=False):
            items[title] = approved(world, title=title, is_pinned=title.startswith("pinned"))
    item_share_mark_record(item=items["shared-new"], membership=emp)
    assert titles(emp) == ["pinned-old", "new", "old", "shared-new"]
    page = feed_page(membership=emp)
    assert page.items[3].shared_by_me is True  # type: ignore[attr-defined]  # an annotation


def test_feed_cursor_walks_every_item_once(world):
    emp = m(world.a, "employee")
    t0 = timezone.now()
    for n in range(13):
        with time_machine.travel(t0 + timedelta(seconds=n % 4), tick=False):
            item = approved(world, title=f"i{n}", is_pinned=n % 5 == 0, priority=n % 3)
        if n % 4 == 0:
            item_share_mark_record(item=item, membership=emp)
    everything = titles(emp)
    seen, cursor = [], None
    while True:
        page = feed_page(membership=emp, cursor=cursor, page_size=4)
        seen += [i.title for i in page.items]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == everything and len(seen) == 13


def test_bad_cursor_is_a_value_error(world):
    with pytest.raises(ValueError):
        feed_page(membership=m(world.a, "employee"), cursor="not-a-cursor")


@pytest.mark.parametrize("page_size", [5, 30])
def test_feed_query_count_is_constant(world, page_size):
    emp = m(world.a, "employee")
    topic = topic_create(actor=m(world.a, "manager"), name="AI")
    for n in range(32):
        item = approved(
            world, title=f"item {n}", topics=[topic], captions=[("linkedin", "a"), ("x", "b")]
        )
        if n % 3 == 0:
            item_share_mark_record(item=item, membership=emp)
    emp = type(emp).objects.select_related("organization").get(pk=emp.pk)
    with CaptureQueriesContext(connection) as ctx:
        page = feed_page(membership=emp, page_size=page_size)
        for item in page.items:
            list(item.captions.all()), list(item.images.all()), list(item.topics.all())
    assert len(page.items) == page_size
    assert len(ctx.captured_queries) == 4  # items + captions + images + topics


def test_filters_and_search_on_feed(world):
    emp = m(world.a, "employee")
    approved(
        world,
        title="Hiring engineers",
        category="recruiting",
        captions=[("linkedin", "Join our team in Kaunas")],
    )
    approved(world, title="Quarterly results", category="company_news")
    assert titles(emp, filters=ItemFilters(category="recruiting")) == ["Hiring engineers"]
    assert titles(emp, filters=ItemFilters(q="kaunas")) == ["Hiring engineers"]
    assert titles(emp, filters=ItemFilters(q="results quarterly")) == ["Quarterly results"]
    assert titles(emp, filters=ItemFilters(q="nothing-like-this")) == []


def test_visible_items_excludes_archived(world):
    item = approved(world, title="Gone")
    content_item_archive(actor=m(world.a, "manager"), item=item)
    assert not visible_items(membership=m(world.a, "employee")).exists()


def _walk(membership, page_size, **kw):
    seen, cursor = [], None
    while True:
        page = feed_page(membership=membership, cursor=cursor, page_size=page_size, **kw)
        seen += [(i.pk, i.shared_by_me) for i in page.items]  # type: ignore[attr-defined]
        if not page.next_cursor:
            return seen
        cursor = page.next_cursor


def test_every_page_size_walks_the_feed_order_exactly(world):
    """The two keyset streams (not yet shared, shared) give pinned first, then not yet
    shared, then priority, newest, id, with ties on every key, at every page boundary."""
    emp = m(world.a, "employee")
    t0 = timezone.now()
    shared_ids = set()
    for n in range(26):
        with time_machine.travel(t0 + timedelta(seconds=n % 3), tick=False):
            item = approved(
                world,
                title=f"t{n}",
                is_pinned=n % 7 == 0,
                priority=n % 2,
                category="recruiting" if n % 4 == 0 else "culture",
            )
        if n % 3 == 0:
            item_share_mark_record(item=item, membership=emp)
            shared_ids.add(item.pk)
    in_order = sorted(
        visible_items(membership=emp),
        key=lambda i: (
            not i.is_pinned,
            i.pk in shared_ids,
            -i.priority,
            -cast(datetime, i.feed_at).timestamp(),  # approved items have a feed time
            -i.pk,
        ),
    )
    expected = [(i.pk, i.pk in shared_ids) for i in in_order]
    assert len(expected) == 26
    for page_size in (1, 2, 3, 4, 5, 9, 26, 50):
        assert _walk(emp, page_size) == expected, page_size
    recruiting = set(
        visible_items(membership=emp).filter(category="recruiting").values_list("pk", flat=True)
    )
    assert 0 < len(recruiting) < 26
    filtered = _walk(emp, 2, filters=ItemFilters(category="recruiting"))
    assert filtered == [row for row in expected if row[0] in recruiting]


def test_feed_pages_after_the_first_keep_a_constant_query_count(world):
    emp = m(world.a, "employee")
    for n in range(12):
        item = approved(world, title=f"q{n}", is_pinned=n == 0, captions=[("x", "c")])
        if n % 2:
            item_share_mark_record(item=item, membership=emp)
    emp = type(emp).objects.select_related("organization").get(pk=emp.pk)
    cursor, counts = None, []
    for _ in range(4):
        with CaptureQueriesContext(connection) as ctx:
            page = feed_page(membership=emp, cursor=cursor, page_size=3)
            for item in page.items:
                list(item.captions.all()), list(item.images.all()), list(item.topics.all())
        counts.append(len(ctx.captured_queries))
        cursor = page.next_cursor
    assert counts == [4, 4, 4, 4]  # one feed query + captions, images, topics
