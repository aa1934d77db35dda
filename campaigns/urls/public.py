"""Public raffle pages under ``/raffles/``: no sign-in and no organization in the URL (like
the tracked link ``/s/<code>``); a raffle is found by its random ``public_id``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from ..views import raffles as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("raffle_verify.py", views.raffle_verify_script, name="raffle_verify_script"),
    path("<uuid:public_id>/", views.raffle_public, name="raffle_public"),
    path("<uuid:public_id>/proof.json", views.raffle_public_proof, name="raffle_public_proof"),
]
