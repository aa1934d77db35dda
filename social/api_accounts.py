"""API of the social app under /api/v1/orgs/<org_slug>/ (accounts)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
