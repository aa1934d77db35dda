from __future__ import annotations

from advocacy.models import Role
from content_library import demo
from content_library.models import ContentItem, ContentSuggestion, FeedSource, Kind, Status
from content_library.selectors.feed import feed_page


class Members:
    def __init__(self, tenant):
        self.t = tenant

    manager = property(lambda s: s.t.members[Role.MANAGER])
    admin = property(lambda s: s.t.members[Role.ADMIN])
    employees = property(lambda s: [s.t.members[Role.EMPLOYEE]])


def test_demo_seed_is_idempotent_and_varied(world):
    world.a.org.default_language = "lt"
    world.a.org.save()
    demo.seed(organization=world.a.org, members=Members(world.a))
    counts = ContentItem.objects.for_org(world.a.org).count()
    demo.seed(organization=world.a.org, members=Members(world.a))
    assert ContentItem.objects.for_org(world.a.org).count() == counts == 11
    items = ContentItem.objects.for_org(world.a.org)
    assert set(items.values_list("kind", flat=True)) == set(Kind.values)
    assert {Status.DRAFT, Status.IN_REVIEW, Status.APPROVED} <= set(
        items.values_list("status", flat=True)
    )
    assert ContentSuggestion.objects.for_org(world.a.org).count() == 2
    assert not FeedSource.objects.for_org(world.a.org).get().is_paused  # it imports (below)
    feed = feed_page(membership=world.a.members[Role.EMPLOYEE]).items
    assert feed[0].is_pinned and all(i.language == "lt" for i in feed)
    assert len(feed) == 7  # scheduled, expired, draft and in-review items stay out


def test_demo_link_items_have_previews_and_the_rss_source_imports_offline(
    world, live_server, settings
):
    """Chorus itself serves the demo's feed, articles and preview images (static files of
    content_library), the only loopback place the fetcher may read: no internet needed."""
    import urllib.request

    from content_library.models import PreviewStatus
    from content_library.services.previews import content_item_preview_refresh
    from content_library.services.sources import feed_source_import

    settings.DEMO_SITE_URL = f"{live_server.url}/static/content_library/demo/"
    settings.SAFE_HTTP_LOOPBACK_ALLOWLIST = (settings.DEMO_SITE_URL,)
    demo.seed(organization=world.a.org, members=Members(world.a))
    links = ContentItem.objects.for_org(world.a.org).filter(
        kind__in=(Kind.LINK, Kind.VIDEO), source__isnull=True
    )
    assert links.count() == 6
    for item in links:
        assert item.preview_status == PreviewStatus.OK and item.preview_title == item.title
        assert item.preview_description and item.preview_site_name
        assert item.preview_image_url.startswith(settings.DEMO_SITE_URL)
        with urllib.request.urlopen(item.preview_image_url) as resp:  # noqa: S310 - loopback
            assert resp.status == 200 and resp.headers["Content-Type"] == "image/png"

    source = FeedSource.objects.for_org(world.a.org).get()
    assert source.url == f"{settings.DEMO_SITE_URL}feed.xml"
    # Creating the source enqueued its import on commit (run eagerly where tests commit);
    # either way, after one import the three entries are there exactly once.
    feed_source_import(source=source)
    source.refresh_from_db()
    assert source.last_error == "" and source.items_imported == 3
    imported = ContentItem.objects.for_org(world.a.org).filter(source=source).order_by("id")
    assert imported[0].url == f"{settings.DEMO_SITE_URL}articles/electric-trucks.html"
    assert all(i.status == Status.DRAFT for i in imported)
    item = content_item_preview_refresh(item=imported[0])
    assert item.preview_status == PreviewStatus.OK, item.preview_error
    assert item.preview_site_name == "Logistics Weekly (demo)"
    assert item.preview_image_url == f"{settings.DEMO_SITE_URL}articles/electric-trucks.png"
    assert feed_source_import(source=source) == 0  # deduplicated by URL


def test_the_preview_task_leaves_a_settled_preview_alone(world):
    """Seeding settles the preview inside the transaction that created the item; the
    fetch enqueued then finds nothing pending and keeps it (no internet touched)."""
    from content_library.models import PreviewStatus
    from content_library.tasks import content_item_fetch_preview

    demo.seed(organization=world.a.org, members=Members(world.a))
    item = ContentItem.objects.for_org(world.a.org).get(url="https://example.com/blog/route-ml")
    assert content_item_fetch_preview(item.pk, world.a.org.pk) == PreviewStatus.OK
    item.refresh_from_db()
    assert item.preview_status == PreviewStatus.OK and item.preview_error == ""


def test_a_demo_run_on_another_address_moves_its_source_and_previews_along(world, settings):
    settings.DEMO_SITE_URL = "http://127.0.0.1:8000/static/content_library/demo/"
    demo.seed(organization=world.a.org, members=Members(world.a))
    settings.DEMO_SITE_URL = "http://127.0.0.1:8791/static/content_library/demo/"
    demo.seed(organization=world.a.org, members=Members(world.a))
    sources = FeedSource.objects.for_org(world.a.org)
    assert [s.url for s in sources] == [f"{settings.DEMO_SITE_URL}feed.xml"]
    images = set(
        ContentItem.objects.for_org(world.a.org)
        .exclude(preview_image_url="")
        .values_list("preview_image_url", flat=True)
    )
    assert images and all(url.startswith(settings.DEMO_SITE_URL) for url in images)
