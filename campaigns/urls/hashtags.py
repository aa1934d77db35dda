"""Pages of hashtag tracking under /o/<org_slug>/hashtags/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from ..views import hashtags as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.HashtagsMentionsView.as_view(), name="hashtags_mentions"),
    path(
        "campaigns/<int:campaign_id>/",
        views.HashtagCampaignView.as_view(),
        name="hashtags_campaign",
    ),
    path("instagram/connect/", views.InstagramConnectView.as_view(), name="org_instagram_connect"),
    path(
        "instagram/callback/", views.InstagramCallbackView.as_view(), name="org_instagram_callback"
    ),
    path(
        "instagram/<int:instagram_account_id>/disconnect/",
        views.InstagramDisconnectView.as_view(),
        name="org_instagram_disconnect",
    ),
]
