"""allauth adapter: where a signed-in person lands."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: Any) -> str:
        token = request.session.get("invitation_token")
        if token:
            return reverse("invitation_accept", kwargs={"token": token})
        return super().get_login_redirect_url(request)
