"""Test helpers of hashtag tracking: the organization's Instagram business account connected
through the real Facebook Login for Business flow against the sandbox."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.test import Client
from django.urls import reverse

from social.models import OrganizationAccount

#: The sandbox's Facebook user whose page "Acme Corporation" has an Instagram business account.
FACEBOOK_PROFILE = "10000000000000022"
IG_BUSINESS_ID = "17841400000000012"


def connect_instagram(sandbox: Any, client: Client, org_slug: str) -> Any:
    """Admin's browser: start, approve on the sandbox's consent page, come back."""
    start = client.post(reverse("org_instagram_connect", args=[org_slug]))
    assert start.status_code == 302, start
    authorize = start["Location"]
    parts = urlsplit(authorize)
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    base = f"{parts.scheme}://{parts.netloc}{parts.path}"
    answer = sandbox.http.post(
        base,
        data={**params, "decision": "approve", "profile_id": FACEBOOK_PROFILE},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code in (302, 303), answer.text
    back = urlsplit(answer.headers["Location"])
    assert back.path == reverse("instagram_oauth_return")  # the one registered redirect URI
    forwarded = client.get(f"{back.path}?{back.query}")
    assert forwarded.status_code == 302, forwarded
    return client.get(forwarded["Location"])


def business_account(organization: Any) -> OrganizationAccount:
    return OrganizationAccount.objects.get(organization=organization, external_id=IG_BUSINESS_ID)


def seed_public_media(sandbox: Any, *media: dict[str, Any]) -> list[dict[str, Any]]:
    return sandbox.admin("POST", "instagram/public_media", json={"media": list(media)})["media"]
