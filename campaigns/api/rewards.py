"""API of rewards (filled in by its feature): a router's urlpatterns."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
