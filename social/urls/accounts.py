"""Pages of the social app under /o/<org_slug>/networks/ (linked accounts)."""

from django.urls import path

from ..views import accounts as views_accounts

urlpatterns = [
    path("", views_accounts.NetworksMineView.as_view(), name="networks_mine"),
    path("health/", views_accounts.NetworksHealthView.as_view(), name="networks_health"),
    path(
        "<int:account_id>/disconnect/",
        views_accounts.NetworkAccountDisconnectView.as_view(),
        name="network_account_disconnect",
    ),
]
