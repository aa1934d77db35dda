"""Public routes: the tracked-link redirect /s/<code>."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
