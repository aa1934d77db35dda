"""Every write service of the library checks the actor's capability itself: a lower role,
or a member of another organization, gets PermissionDenied from the service, whatever
page, API view, task or command calls it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from content_library.models import Kind
from content_library.services import (
    items,
    library_settings,
    previews,
    review,
    sources,
    suggestions,
    topics,
)
from content_library.tests.factories import (
    ContentItemFactory,
    FeedSourceFactory,
    SuggestionFactory,
    TopicFactory,
)


def _calls(t):
    """(name, call) for each write service, on objects of tenant ``t``."""
    item = ContentItemFactory.create(organization=t.org, status="in_review")
    source = FeedSourceFactory.create(organization=t.org)
    topic = TopicFactory.create(organization=t.org)
    suggestion = SuggestionFactory.create(organization=t.org, submitted_by=t.members["employee"])
    return {
        "content_item_create": lambda a: items.content_item_create(
            actor=a, title="x", kind=Kind.TEXT
        ),
        "content_item_update": lambda a: items.content_item_update(actor=a, item=item, title="y"),
        "content_item_set_pin": lambda a: items.content_item_set_pin(
            actor=a, item=item, pinned=True
        ),
        "content_item_request_preview": lambda a: previews.content_item_request_preview(
            actor=a, item=item
        ),
        "content_item_submit": lambda a: review.content_item_submit(actor=a, item=item),
        "content_item_approve": lambda a: review.content_item_approve(actor=a, item=item),
        "content_item_request_changes": lambda a: review.content_item_request_changes(
            actor=a, item=item, comment="c"
        ),
        "content_item_reject": lambda a: review.content_item_reject(actor=a, item=item, reason="r"),
        "content_item_return_to_draft": lambda a: review.content_item_return_to_draft(
            actor=a, item=item
        ),
        "content_item_archive": lambda a: review.content_item_archive(actor=a, item=item),
        "content_item_restore": lambda a: review.content_item_restore(actor=a, item=item),
        "topic_create": lambda a: topics.topic_create(actor=a, name="New"),
        "topic_delete": lambda a: topics.topic_delete(actor=a, topic=topic),
        "library_settings_update": lambda a: library_settings.library_settings_update(
            actor=a, reapproval_on_edit=False
        ),
        "suggestion_accept": lambda a: suggestions.suggestion_accept(
            actor=a, suggestion=suggestion
        ),
        "suggestion_decline": lambda a: suggestions.suggestion_decline(
            actor=a, suggestion=suggestion, reason="no"
        ),
        "feed_source_create": lambda a: sources.feed_source_create(
            actor=a, name="n", url="https://example.com/new.xml", is_paused=True
        ),
        "feed_source_update": lambda a: sources.feed_source_update(
            actor=a, source=source, name="m"
        ),
        "feed_source_delete": lambda a: sources.feed_source_delete(actor=a, source=source),
        "feed_source_request_import": lambda a: sources.feed_source_request_import(
            actor=a, source=source
        ),
    }


SERVICES = [
    "content_item_create",
    "content_item_update",
    "content_item_set_pin",
    "content_item_request_preview",
    "content_item_submit",
    "content_item_approve",
    "content_item_request_changes",
    "content_item_reject",
    "content_item_return_to_draft",
    "content_item_archive",
    "content_item_restore",
    "topic_create",
    "topic_delete",
    "library_settings_update",
    "suggestion_accept",
    "suggestion_decline",
    "feed_source_create",
    "feed_source_update",
    "feed_source_delete",
    "feed_source_request_import",
]


def test_the_table_names_every_write_service():
    """A new write service in content_library/services must be added here."""
    import inspect

    found = set()
    for module in (items, library_settings, previews, review, sources, suggestions, topics):
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_"):
                continue
            params = inspect.signature(fn).parameters
            if "actor" in params and params["actor"].kind is inspect.Parameter.KEYWORD_ONLY:
                found.add(name)
    # item_insert is the unchecked insert behind create, accept and import (their checks
    # are above); suggestion_submit is open to every active member (below).
    assert found == {*SERVICES, "item_insert", "suggestion_submit"}


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("role", ["employee", "hr"])
def test_lower_roles_are_refused_by_the_service(world, role, service):
    with pytest.raises(PermissionDenied):
        _calls(world.a)[service](world.a.members[role])


#: Services that create in the actor's own organization have no object of another one.
ON_OBJECTS = [
    s
    for s in SERVICES
    if s not in ("content_item_create", "topic_create", "library_settings_update")
    and s != "feed_source_create"
]


@pytest.mark.parametrize("service", ON_OBJECTS)
def test_an_admin_of_another_organization_is_refused(world, service):
    with pytest.raises(PermissionDenied):
        _calls(world.a)[service](world.b.members["admin"])


def test_a_deactivated_member_may_not_even_suggest(world):
    member = world.a.members["employee"]
    member.is_active = False
    with pytest.raises(PermissionDenied):
        suggestions.suggestion_submit(actor=member, kind="link", url="https://example.com/a")
