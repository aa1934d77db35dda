"""Pages of the social app under /o/<org_slug>/ (accounts)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
