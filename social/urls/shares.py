"""Pages of sharing under ``/o/<org_slug>/shares/``."""

from django.urls import path

from ..views import shares as views

urlpatterns = [
    path("", views.SharesMineView.as_view(), name="shares_mine"),
    path("compose/<int:item_id>/", views.ComposeView.as_view(), name="share_compose"),
    path("items/<int:item_id>/", views.ItemShareHistoryView.as_view(), name="shares_item_history"),
    path("<int:share_id>/", views.ShareDetailView.as_view(), name="share_detail"),
    path(
        "<int:share_id>/retry/",
        views.ShareActionView.as_view(action="retry"),
        name="share_retry",
    ),
    path(
        "<int:share_id>/cancel/",
        views.ShareActionView.as_view(action="cancel"),
        name="share_cancel",
    ),
    path(
        "<int:share_id>/posted/",
        views.ShareActionView.as_view(action="confirm"),
        name="share_confirm_dialog",
    ),
]
