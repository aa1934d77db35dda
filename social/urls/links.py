"""Public routes: the tracked-link redirect /s/<code>."""

from django.urls import path

from ..views import links as views_public

urlpatterns = [
    path("<str:code>", views_public.tracked_link_redirect, name="tracked_link_redirect"),
]
