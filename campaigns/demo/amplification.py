"""Demo data of company-page amplification: the organization's LinkedIn page connected to the
sandbox, and one employee post re-shared from it.

Everything goes through the sandbox as in production (``social.demo.sandbox_session``): the
admin gets a sandbox LinkedIn profile that administers a sandbox page named after the
organization, connects it through OAuth with the page scopes, and the manager's amplification
of the best published post is published through the real task body (synchronously: the demo's
worker may not run while seeding). Idempotent: a page whose token the sandbox still knows is
kept, and an organization that has an amplification gets no other.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from django.db.models import F
from django.utils import timezone

from advocacy.models import Organization
from social.connectors.company_pages import LINKEDIN_PAGE_SCOPES, Page
from social.demo import CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, linkedin_connect, sandbox_session
from social.models import OrganizationAccount, OrganizationAccountKind
from social_sandbox.mapping import bases as sandbox_bases

from ..models import Amplification
from ..selectors.amplification import amplifiable_shares
from ..services.amplification import (
    amplification_create,
    amplification_publish,
    company_page_connect,
)

log = logging.getLogger(__name__)

COMMENT = "Proud of our colleagues' work: have a look!"


def _admin_api(url: str, method: str, path: str, **kw: Any) -> Any:
    response = requests.request(method, f"{url}/_sandbox/{path}", timeout=10, **kw)
    response.raise_for_status()
    return response.json() if response.content else None


def _org_id(organization: Organization) -> int:
    return 3000000 + int(hashlib.sha256(organization.slug.encode()).hexdigest()[:6], 16)


def _page_token(url: str, profile_id: str) -> dict[str, Any]:
    """OAuth as the admin's sandbox profile with the company-page scopes."""
    oauth = sandbox_bases(url)["LINKEDIN_OAUTH_BASE"]
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "state": secrets.token_urlsafe(8),
        "scope": " ".join(("openid", "profile", *LINKEDIN_PAGE_SCOPES)),
    }
    answer = requests.post(
        f"{oauth}/v2/authorization",
        data={**params, "decision": "approve", "profile_id": profile_id},
        allow_redirects=False,
        timeout=10,
    )
    answer.raise_for_status()
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    token = requests.post(
        f"{oauth}/v2/accessToken",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
        timeout=10,
    )
    token.raise_for_status()
    return token.json()


def _token_known(url: str, account: OrganizationAccount) -> bool:
    try:
        info = _admin_api(url, "GET", f"tokens/{account.access_token}")
    except requests.RequestException:
        return False
    return info.get("status", "active") == "active"


def _page_ensure(url: str, organization: Organization, admin: Any) -> OrganizationAccount:
    urn = f"urn:li:organization:{_org_id(organization)}"
    existing = (
        OrganizationAccount.objects.for_org(organization)
        .filter(kind=OrganizationAccountKind.LINKEDIN_PAGE, external_id=urn)
        .first()
    )
    if existing is not None and existing.is_usable and _token_known(url, existing):
        return existing
    profile_id = linkedin_connect(url, admin)["id"]  # the admin's sandbox profile
    _admin_api(
        url,
        "POST",
        "linkedin/organizations",
        json={
            "id": _org_id(organization),
            "localizedName": organization.name,
            "vanityName": organization.slug,
            "followers": 12400,
            "roles": {profile_id: "ADMINISTRATOR"},
        },
    )
    token = _page_token(url, profile_id)
    return company_page_connect(
        actor=admin,
        kind=OrganizationAccountKind.LINKEDIN_PAGE,
        page=Page(
            external_id=urn,
            display_name=organization.name,
            profile_url=f"{sandbox_bases(url)['LINKEDIN_WWW_BASE']}/company/{organization.slug}/",
            access_token=token["access_token"],
        ),
        scopes=[s for s in str(token.get("scope", "")).replace(" ", ",").split(",") if s],
        expires_at=timezone.now() + timedelta(seconds=int(token.get("expires_in") or 0)),
    )


def seed(*, organization: Organization, members: Any) -> None:
    if Amplification.objects.for_org(organization).exists():
        return
    share = (
        amplifiable_shares(organization=organization)
        .filter(network="linkedin")
        .annotate(score=F("reactions") + F("comments"))
        .order_by(F("score").desc(nulls_last=True), "-published_at")
        .first()
    )
    if share is None:
        return
    with sandbox_session() as url:
        page = _page_ensure(url, organization, members.admin)
        amplification = amplification_create(
            actor=members.manager, share=share, account=page, comment=COMMENT
        )
        outcome = amplification_publish(amplification.pk)
        if outcome != "published":
            log.warning("demo amplification %s: %s", amplification.pk, outcome)
