"""API routes of campaigns and recognition, included under ``/api/v1/orgs/<org_slug>/``.

Each feature module holds its own router (DRF routers with ``@action`` for extra verbs) and
exports its ``urlpatterns``; this module only joins them.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from . import amplification, boards, campaigns, hashtags, points, raffles, rewards

urlpatterns: list[URLPattern | URLResolver] = [
    *campaigns.urlpatterns,
    *points.urlpatterns,
    *boards.urlpatterns,
    *rewards.urlpatterns,
    *raffles.urlpatterns,
    *amplification.urlpatterns,
    *hashtags.urlpatterns,
]
