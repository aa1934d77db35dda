"""Pages of points, under ``/o/<org_slug>/points/``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from ..views import points as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.PointsMineView.as_view(), name="points_mine"),
    path("anonymity/", views.PointsAnonymityView.as_view(), name="points_anonymity"),
    path("rules/", views.PointsRulesView.as_view(), name="points_rules"),
    path("ledger/", views.PointsLedgerView.as_view(), name="points_ledger"),
]
