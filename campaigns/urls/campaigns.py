"""Pages of campaigns, under ``/o/<org_slug>/campaigns/``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from ..views import campaigns as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.CampaignListView.as_view(), name="campaigns_list"),
    path("new/", views.CampaignCreateView.as_view(), name="campaign_create"),
    path("<int:campaign_id>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("<int:campaign_id>/edit/", views.CampaignEditView.as_view(), name="campaign_edit"),
    path(
        "<int:campaign_id>/results/", views.CampaignResultsView.as_view(), name="campaign_results"
    ),
    path(
        "<int:campaign_id>/launch/",
        views.CampaignStatusView.as_view(action="launch"),
        name="campaign_launch",
    ),
    path(
        "<int:campaign_id>/end/",
        views.CampaignStatusView.as_view(action="end"),
        name="campaign_end",
    ),
    path(
        "<int:campaign_id>/archive/",
        views.CampaignStatusView.as_view(action="archive"),
        name="campaign_archive",
    ),
]
