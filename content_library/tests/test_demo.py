from __future__ import annotations

from advocacy.models import Role
from content_library import demo
from content_library.models import ContentItem, ContentSuggestion, FeedSource, Kind, Status
from content_library.selectors import feed_page


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
    assert FeedSource.objects.for_org(world.a.org).get().is_paused
    feed = feed_page(membership=world.a.members[Role.EMPLOYEE]).items
    assert feed[0].is_pinned and all(i.language == "lt" for i in feed)
    assert len(feed) == 7  # scheduled, expired, draft and in-review items stay out
