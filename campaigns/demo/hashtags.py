"""Demo of hashtag tracking: the organization's Instagram business account connected to the
sandbox through Facebook Login for Business, public posts with the live campaign's hashtag
in the sandbox, and the mentions Chorus found by searching it (idempotent)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from advocacy.models import Organization
from social.connectors.instagram_hashtags import SCOPES
from social.demo import CLIENT_ID, CLIENT_SECRET, sandbox_session
from social.models import AccountStatus, OrganizationAccount, OrganizationAccountKind

from ..models import Campaign, CampaignStatus
from ..services.hashtags import (
    campaign_mentions_fetch,
    instagram_business_connect,
    share_hashtags_backfill,
)

REDIRECT_URI = "http://127.0.0.1:8000/demo/instagram/callback/"

#: Public posts (anyone's) with the hashtag: caption, hours ago, likes.
PUBLIC_POSTS = (
    ("Team day at the plant! {tag} #teamwork", 2, 48),
    ("Behind the scenes of our new line {tag}", 5, 130),
    ("Proud to be part of this {tag}", 9, 22),
    ("Morning shift views {tag} #sunrise", 20, 310),
)


def _ids(organization: Organization) -> tuple[str, str, str]:
    digest = int(hashlib.sha256(organization.slug.encode()).hexdigest(), 16)
    base = digest % 10**8
    return (
        str(10000000000100000 + base % 10**5),  # Facebook user
        str(100000000200000 + base % 10**5),  # page
        str(17841400000100000 + base % 10**5),  # Instagram business account
    )


def _admin(url: str, method: str, path: str, **kw: Any) -> Any:
    response = requests.request(method, f"{url}/_sandbox/{path}", timeout=10, **kw)
    response.raise_for_status()
    return response.json() if response.content else None


def _connected(url: str, organization: Organization, ig_id: str) -> bool:
    account = OrganizationAccount.objects.filter(
        organization=organization,
        kind=OrganizationAccountKind.INSTAGRAM_BUSINESS,
        external_id=ig_id,
        status=AccountStatus.CONNECTED,
    ).first()
    if account is None or not account.access_token_encrypted:
        return False
    try:
        info = _admin(url, "GET", f"tokens/{account.access_token}")
    except requests.RequestException:
        return False
    return info.get("status") == "valid"


def _connect(url: str, organization: Organization, members: Any) -> None:
    user_id, page_id, ig_id = _ids(organization)
    if _connected(url, organization, ig_id):
        return
    known = {p["id"] for p in _admin(url, "GET", "profiles")["facebook"]}
    if user_id not in known:
        _admin(
            url,
            "POST",
            "profiles",
            json={
                "network": "facebook",
                "id": user_id,
                "name": members.admin.user.name or members.admin.user.email,
                "pages": [
                    {
                        "id": page_id,
                        "name": organization.name,
                        "followers": 5400,
                        "instagram_business_account": ig_id,
                    }
                ],
            },
        )
    www = f"{settings.NETWORK_BASES['FACEBOOK_WWW_BASE'].rstrip('/')}"
    answer = requests.post(
        f"{www}/{settings.META_GRAPH_VERSION}/dialog/oauth",
        data={
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT_URI,
            "state": secrets.token_urlsafe(8),
            "response_type": "code",
            "scope": ",".join(SCOPES),
            "decision": "approve",
            "profile_id": user_id,
        },
        allow_redirects=False,
        timeout=10,
    )
    answer.raise_for_status()
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    instagram_business_connect(actor=members.admin, code=code, redirect_uri=REDIRECT_URI)


def seed(*, organization: Organization, members: Any) -> None:
    share_hashtags_backfill(organization=organization)
    campaign = (
        Campaign.objects.filter(organization=organization, status=CampaignStatus.LIVE)
        .exclude(hashtags=[])
        .order_by("starts_at", "pk")
        .first()
    )
    with (
        sandbox_session() as url,
        override_settings(META_APP_ID=CLIENT_ID, META_APP_SECRET=CLIENT_SECRET),
    ):
        _connect(url, organization, members)
        if campaign is None:
            return
        tag = "#" + str(campaign.hashtags[0]).lstrip("#")
        now = timezone.now().timestamp()
        _user, _page, ig_id = _ids(organization)
        _admin(
            url,
            "POST",
            "instagram/public_media",
            json={
                "media": [
                    {
                        # The same ids on every run: seeding again replaces, never adds.
                        "id": f"{ig_id[-6:]}{index:04d}{17900000000}",
                        "caption": caption.format(tag=tag),
                        "timestamp": now - hours * 3600,
                        "like_count": likes,
                    }
                    for index, (caption, hours, likes) in enumerate(PUBLIC_POSTS)
                ]
            },
        )
        campaign_mentions_fetch(organization=organization)
