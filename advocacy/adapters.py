"""allauth adapter: where a signed-in person lands, and e-mails that speak as Chorus."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.urls import NoReverseMatch, reverse

PRODUCT_NAME = "Chorus"


@dataclass(frozen=True)
class _ProductSite:
    """Stands in for ``django.contrib.sites``' Site in allauth's e-mails: Chorus serves
    every tenant from one host, so the product name and the request's host say it best."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: Any) -> str:
        """Back to a pending invitation when one brought the person to sign in; otherwise
        to their organization (``home`` picks it, or lets them choose)."""
        token = request.session.get("invitation_token")
        if token:
            try:
                return reverse("invitation_accept", kwargs={"token": token})
            except NoReverseMatch:
                request.session.pop("invitation_token", None)
        return super().get_login_redirect_url(request)

    def format_email_subject(self, subject: str) -> str:
        return f"[{PRODUCT_NAME}] {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        domain = request.get_host() if request is not None else urlsplit(settings.SITE_URL).netloc
        super().send_mail(
            template_prefix,
            email,
            {**context, "current_site": _ProductSite(name=PRODUCT_NAME, domain=domain)},
        )
