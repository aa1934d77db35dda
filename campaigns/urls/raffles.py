"""Pages of raffles under ``/o/<org_slug>/raffles/`` (managers)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from ..views import raffles as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.RaffleListView.as_view(), name="raffles_list"),
    path("new/", views.RaffleCreateView.as_view(), name="raffle_create"),
    path("<int:raffle_id>/", views.RaffleDetailView.as_view(), name="raffle_detail"),
    path("<int:raffle_id>/close/", views.RaffleCloseView.as_view(), name="raffle_close"),
    path("<int:raffle_id>/draw/", views.RaffleDrawView.as_view(), name="raffle_draw"),
]
