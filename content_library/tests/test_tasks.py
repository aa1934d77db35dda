from __future__ import annotations

import time

import pytest

from content_library.models import ContentItem, FeedSource, Kind, PreviewStatus, Status
from content_library.services.items import content_item_create
from content_library.services.review import content_item_approve
from content_library.services.sources import feed_source_create
from content_library.tasks import (
    content_item_fetch_preview,
    feed_source_import,
    feed_sources_import_due,
)
from tests.celery_support import isolated_app, running_worker

PAGE = """<!doctype html><html><head>
<title>Fallback title</title>
<meta property="og:title" content="Acme opens a Vilnius hub &amp; hires 50">
<meta property="og:description" content="The new hub focuses on logistics AI.">
<meta property="og:image" content="/img/hub.jpg">
<meta name="twitter:title" content="Twitter title">
<meta property="og:site_name" content="Acme blog">
</head><body>hello</body></html>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Acme blog</title><id>urn:x</id><updated>2025-01-01T00:00:00Z</updated>
<entry><title>First &lt;b&gt;post&lt;/b&gt;</title><link href="https://blog.example.com/first"/><id>1</id><updated>2025-01-01T00:00:00Z</updated><summary type="html">&lt;p&gt;Hello &lt;b&gt;world&lt;/b&gt;&lt;/p&gt;</summary></entry>
<entry><title>Second</title><link href="https://blog.example.com/second"/><id>2</id><updated>2025-01-02T00:00:00Z</updated><summary>Two</summary></entry>
</feed>"""

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Industry news</title><link>https://news.example.com</link><description>x</description>
<item><title>Second (again, from RSS)</title><link>https://blog.example.com/second</link><description>dupe</description></item>
<item><title>Logistics trends 2025</title><link>https://news.example.com/trends</link><description>Trends &amp; more</description></item>
<item><title>No link</title><description>skipped</description></item>
</channel></rss>"""


def m(tenant, role):
    return tenant.members[role]


def test_preview_task_stores_opengraph_tags(world, local_site, django_capture_on_commit_callbacks):
    url = local_site.add("/article", PAGE)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        item = content_item_create(
            actor=m(world.a, "manager"), title="Hub", kind=Kind.LINK, url=url
        )
    assert item.preview_status == PreviewStatus.PENDING
    assert len(callbacks) == 1  # the fetch is enqueued after commit
    assert content_item_fetch_preview(item.pk, world.a.org.pk) == PreviewStatus.OK
    item.refresh_from_db()
    assert item.preview_title == "Acme opens a Vilnius hub & hires 50"
    assert item.preview_description == "The new hub focuses on logistics AI."
    assert item.preview_image_url == local_site.base + "/img/hub.jpg"
    assert item.preview_site_name == "Acme blog"
    assert "logistics ai" in item.search_text


def test_preview_failure_leaves_item_usable_and_says_why(world, local_site, settings):
    item = content_item_create(
        actor=m(world.a, "manager"),
        title="Internal",
        kind=Kind.LINK,
        url="http://169.254.169.254/latest/meta-data/",
    )
    content_item_fetch_preview(item.pk, world.a.org.pk)
    item.refresh_from_db()
    assert item.preview_status == PreviewStatus.FAILED
    assert "private" in item.preview_error
    item = content_item_approve(actor=m(world.a, "admin"), item=item)
    assert item.status == Status.APPROVED

    missing = content_item_create(
        actor=m(world.a, "manager"), title="Gone", kind=Kind.LINK, url=local_site.base + "/missing"
    )
    content_item_fetch_preview(missing.pk, world.a.org.pk)
    missing.refresh_from_db()
    assert missing.preview_status == PreviewStatus.FAILED and "404" in missing.preview_error


def test_preview_task_refuses_mismatched_organization(world, local_site):
    url = local_site.add("/article", PAGE)
    item = content_item_create(actor=m(world.a, "manager"), title="Hub", kind=Kind.LINK, url=url)
    assert content_item_fetch_preview(item.pk, world.b.org.pk) == "missing"
    assert local_site.hits == []


def test_rss_and_atom_import_deduplicated_by_url(world, local_site):
    atom = local_site.add("/atom.xml", ATOM, content_type="application/atom+xml")
    rss = local_site.add("/rss.xml", RSS, content_type="application/rss+xml")
    mgr = m(world.a, "manager")
    a = feed_source_create(
        actor=mgr, name="Blog", url=atom, is_paused=True, is_company_content=True
    )
    r = feed_source_create(actor=mgr, name="News", url=rss, is_paused=True)
    FeedSource.objects.filter(pk__in=[a.pk, r.pk]).update(is_paused=False)
    assert feed_source_import(a.pk, world.a.org.pk) == 2
    assert feed_source_import(a.pk, world.a.org.pk) == 0
    assert feed_source_import(r.pk, world.a.org.pk) == 1
    items = ContentItem.objects.for_org(world.a.org).order_by("id")
    assert [i.title for i in items] == ["First post", "Second", "Logistics trends 2025"]
    first = items[0]
    assert first.status == Status.DRAFT and first.source_id == a.pk and first.body == "Hello world"
    assert first.is_company_content and not items[2].is_company_content
    a.refresh_from_db()
    assert a.items_imported == 2 and a.last_error == "" and a.last_success_at
    # The other tenant may import the same URLs: dedupe is per organization.
    other = feed_source_create(actor=m(world.b, "manager"), name="Blog", url=atom, is_paused=True)
    FeedSource.objects.filter(pk=other.pk).update(is_paused=False)
    assert feed_source_import(other.pk, world.b.org.pk) == 2


def test_import_failure_is_recorded_on_the_source(world, local_site):
    html = local_site.add("/not-a-feed", "<html>nope</html>")
    src = feed_source_create(actor=m(world.a, "manager"), name="Bad", url=html, is_paused=True)
    FeedSource.objects.filter(pk=src.pk).update(is_paused=False)
    assert feed_source_import(src.pk, world.a.org.pk) == 0
    src.refresh_from_db()
    assert src.last_error and src.last_fetched_at


def test_paused_sources_are_not_imported(world, local_site):
    atom = local_site.add("/atom.xml", ATOM, content_type="application/atom+xml")
    src = feed_source_create(actor=m(world.a, "manager"), name="Blog", url=atom, is_paused=True)
    assert feed_source_import(src.pk, world.a.org.pk) == 0
    assert local_site.hits == []


@pytest.mark.django_db(transaction=True)
def test_periodic_task_enqueues_only_active_due_sources(world, local_site, tmp_path, monkeypatch):
    # The real path: the sweep sends one message per due source through the broker, and a
    # real Celery worker (a thread of this process, tests/celery_support.py) imports it.
    paused_url = local_site.add("/paused.xml", ATOM, content_type="application/atom+xml")
    active_url = local_site.add("/active.xml", RSS, content_type="application/rss+xml")
    mgr = m(world.a, "manager")
    feed_source_create(actor=mgr, name="Paused", url=paused_url, is_paused=True)
    active = feed_source_create(actor=mgr, name="Active", url=active_url, is_paused=True)
    FeedSource.objects.filter(pk=active.pk).update(is_paused=False)
    with running_worker(isolated_app(tmp_path, monkeypatch)):
        assert feed_sources_import_due() == 1
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            active.refresh_from_db()
            if active.last_fetched_at:
                break
            time.sleep(0.1)
    assert active.last_fetched_at, "the worker did not import the active source"
    assert active.last_error == "" and active.items_imported == 2
    assert local_site.hits == ["/active.xml"]
    titles = set(
        ContentItem.objects.for_org(world.a.org)
        .filter(source=active)
        .values_list("title", flat=True)
    )
    assert "Logistics trends 2025" in titles


@pytest.mark.parametrize("bad", ["ftp://example.com/feed", "not a url"])
def test_source_url_must_be_http(world, bad):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        feed_source_create(actor=m(world.a, "manager"), name="x", url=bad)
