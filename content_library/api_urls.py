"""API routes of the content library, included under ``/api/v1/orgs/<org_slug>/content/``."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter(trailing_slash=True)
router.register("items", api.ContentItemViewSet, basename="api_content_items")
router.register("topics", api.TopicViewSet, basename="api_content_topics")
router.register("suggestions", api.SuggestionViewSet, basename="api_content_suggestions")
router.register("sources", api.FeedSourceViewSet, basename="api_content_sources")

urlpatterns = [
    path("feed/", api.FeedViewSet.as_view({"get": "list"}), name="api_content_feed"),
    *router.urls,
]
