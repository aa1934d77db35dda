"""Library pages, mounted at ``/o/<org_slug>/content/`` (the feed is at ``/o/<org_slug>/feed/``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("library/", views.LibraryView.as_view(), name="content_library"),
    path("library/settings/", views.LibrarySettingsView.as_view(), name="content_settings"),
    path("items/new/", views.ItemCreateView.as_view(), name="content_item_new"),
    path("items/<int:item_id>/", views.ItemDetailView.as_view(), name="content_item"),
    path("items/<int:item_id>/edit/", views.ItemEditView.as_view(), name="content_item_edit"),
    path(
        "items/<int:item_id>/actions/", views.ItemActionView.as_view(), name="content_item_action"
    ),
    path("review/", views.ReviewQueueView.as_view(), name="content_review_queue"),
    path("suggest/", views.SuggestView.as_view(), name="content_suggest"),
    path(
        "suggestions/<int:suggestion_id>/",
        views.SuggestionReviewView.as_view(),
        name="content_suggestion",
    ),
    path("sources/", views.SourcesView.as_view(), name="content_sources"),
    path("sources/<int:source_id>/", views.SourceDetailView.as_view(), name="content_source"),
    path("topics/", views.TopicsView.as_view(), name="content_topics"),
    path(
        "topics/<int:topic_id>/delete/",
        views.TopicDeleteView.as_view(),
        name="content_topic_delete",
    ),
]
