"""Pages of leaderboards, under ``/o/<org_slug>/leaderboards/``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from ..views import boards as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.BoardView.as_view(), name="boards"),
    path("teams/", views.TeamBoardView.as_view(), name="boards_teams"),
    path("settings/", views.BoardSettingsView.as_view(), name="boards_settings"),
    path("me/", views.BoardAnonymityView.as_view(), name="boards_me"),
]
