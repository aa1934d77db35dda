"""Library pages, mounted at ``/o/<org_slug>/content/`` (the feed is at ``/o/<org_slug>/feed/``)."""

from django.urls import path

from .views import feed, items, library, review, sources, suggestions

urlpatterns = [
    path("library/", library.LibraryView.as_view(), name="content_library"),
    path("library/settings/", library.LibrarySettingsView.as_view(), name="content_settings"),
    path("items/new/", items.ItemCreateView.as_view(), name="content_item_new"),
    path("items/<int:item_id>/", feed.ItemDetailView.as_view(), name="content_item"),
    path("items/<int:item_id>/edit/", items.ItemEditView.as_view(), name="content_item_edit"),
    path(
        "items/<int:item_id>/actions/", review.ItemActionView.as_view(), name="content_item_action"
    ),
    path("review/", review.ReviewQueueView.as_view(), name="content_review_queue"),
    path("suggest/", suggestions.SuggestView.as_view(), name="content_suggest"),
    path(
        "suggestions/<int:suggestion_id>/",
        suggestions.SuggestionReviewView.as_view(),
        name="content_suggestion",
    ),
    path("sources/", sources.SourcesView.as_view(), name="content_sources"),
    path("sources/<int:source_id>/", sources.SourceDetailView.as_view(), name="content_source"),
    path("topics/", library.TopicsView.as_view(), name="content_topics"),
    path(
        "topics/<int:topic_id>/delete/",
        library.TopicDeleteView.as_view(),
        name="content_topic_delete",
    ),
]
