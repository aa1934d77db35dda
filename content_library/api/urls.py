"""API routes of the content library, included under ``/api/v1/orgs/<org_slug>/content/``.

Routers only: viewsets declare their extra verbs with ``@action``."""

from rest_framework.routers import Route, SimpleRouter

from . import feed, items, sources, suggestions, topics


class ListOnlyRouter(SimpleRouter):
    """A collection that is only listed (the feed): one GET route named after its basename."""

    routes = [
        Route(
            url=r"^{prefix}{trailing_slash}$",
            mapping={"get": "list"},
            name="{basename}",
            detail=False,
            initkwargs={},
        )
    ]


feed_router = ListOnlyRouter(trailing_slash=True)
feed_router.register("feed", feed.FeedViewSet, basename="api_content_feed")

router = SimpleRouter(trailing_slash=True)
router.register("items", items.ContentItemViewSet, basename="api_content_items")
router.register("topics", topics.TopicViewSet, basename="api_content_topics")
router.register("suggestions", suggestions.SuggestionViewSet, basename="api_content_suggestions")
router.register("sources", sources.FeedSourceViewSet, basename="api_content_sources")

urlpatterns = [*feed_router.urls, *router.urls]
