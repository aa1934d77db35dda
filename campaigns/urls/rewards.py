"""Pages of rewards, under ``/o/<org_slug>/rewards/``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from ..views import rewards as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.CatalogueView.as_view(), name="rewards_catalogue"),
    path("new/", views.RewardCreateView.as_view(), name="rewards_create"),
    path("<int:reward_id>/edit/", views.RewardEditView.as_view(), name="rewards_edit"),
    path("<int:reward_id>/redeem/", views.RedeemView.as_view(), name="rewards_redeem"),
    path("mine/", views.MyRedemptionsView.as_view(), name="rewards_mine"),
    path(
        "mine/<int:redemption_id>/cancel/",
        views.CancelRedemptionView.as_view(),
        name="rewards_redemption_cancel",
    ),
    path("redemptions/", views.RedemptionQueueView.as_view(), name="rewards_redemptions"),
    path(
        "redemptions/<int:redemption_id>/decide/",
        views.DecideRedemptionView.as_view(),
        name="rewards_redemption_decide",
    ),
]
