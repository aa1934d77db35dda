"""The floor's fixed redirect as a bare route under ``/s/`` (bench/_floor_settings.py)."""

from django.urls import path

from bench._floor_urls import fixed_redirect

urlpatterns = [
    path("<str:code>", fixed_redirect, name="tracked_link_redirect"),
]
