"""The organization's own pages: its LinkedIn company page and its Facebook page.

See SOCIAL_APIS.md "Company page" and "Pages". An admin of the page connects it (OAuth); Chorus
then re-shares employees' posts from it:

* **LinkedIn** (Community Management API, ``w_organization_social`` + ``r_organization_social``):
  the pages the member administers come from ``GET /rest/organizationAcls?q=roleAssignee``; a
  re-share is ``POST /rest/posts`` with ``author: urn:li:organization:{id}``, the company's
  ``commentary`` ("little text", escaped as member posts are) and
  ``reshareContext: {"parent": <the employee post's URN>}``; 201 with ``x-restli-id``. A lost
  answer is looked for among the page's posts (``GET /rest/posts?q=author``, which
  ``r_organization_social`` allows, unlike a member's ``r_member_social``).
* **Facebook** (``pages_show_list``, ``pages_manage_posts``, ``pages_read_engagement``): the
  user's pages and page tokens from ``/me/accounts``; a re-share is a page post of the share's
  tracked link with the comment (``POST /{page-id}/feed`` ``message`` + ``link``), through
  ``FacebookPageConnector``.

Same HTTP client, error mapping and error counting as every connector (``social.connectors.http``).
These classes are not in the member registry: members never post as a page through them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.utils import timezone

from .base import AccountRef, PostContent, PublishResult, Rejected, TokenSet
from .facebook import FacebookPageConnector
from .http import HttpClient
from .linkedin import CLOCK_SLACK, RECONCILE_PAGES, escape_little_text, permalink

LINKEDIN_PAGE_SCOPES = ("w_organization_social", "r_organization_social")
FACEBOOK_PAGE_SCOPES = ("pages_show_list", "pages_manage_posts", "pages_read_engagement")
#: LinkedIn roles that may post as the page.
LINKEDIN_POSTING_ROLES = frozenset({"ADMINISTRATOR", "CONTENT_ADMINISTRATOR"})
#: Facebook page tasks that allow posting.
FACEBOOK_POSTING_TASKS = frozenset({"CREATE_CONTENT", "MANAGE"})
MAX_PAGES = 100


@dataclass(frozen=True)
class Page:
    """A page the connecting admin may connect: its id, name, page link and token."""

    external_id: str  # urn:li:organization:{id} or the Facebook page id
    display_name: str
    profile_url: str = ""
    access_token: str = ""  # Facebook: the page token (LinkedIn: the member's token)


class LinkedInCompanyPages:
    network = "linkedin"

    def __init__(self) -> None:
        self.http = HttpClient("linkedin", "linkedin")

    @property
    def api(self) -> str:
        return settings.NETWORK_BASES["LINKEDIN_API_BASE"].rstrip("/")

    @property
    def oauth(self) -> str:
        return settings.NETWORK_BASES["LINKEDIN_OAUTH_BASE"].rstrip("/")

    @property
    def www(self) -> str:
        return (
            settings.NETWORK_BASES.get("LINKEDIN_WWW_BASE") or "https://www.linkedin.com"
        ).rstrip("/")

    def _headers(self, token: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {token}",
            "LinkedIn-Version": str(settings.LINKEDIN_API_VERSION),
            "X-Restli-Protocol-Version": "2.0.0",
            "Content-Type": "application/json",
        }

    # ---- connecting ---------------------------------------------------------------------------
    def authorize_url(self, *, state: str, redirect_uri: str) -> str:
        query = urlencode(
            {
                "response_type": "code",
                "client_id": settings.LINKEDIN_CLIENT_ID,
                "redirect_uri": redirect_uri,
                "state": state,
                "scope": " ".join(LINKEDIN_PAGE_SCOPES),
            }
        )
        return f"{self.oauth}/v2/authorization?{query}"

    def exchange_code(self, *, code: str, redirect_uri: str) -> TokenSet:
        answer = self.http.request(
            "POST",
            f"{self.oauth}/v2/accessToken",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "client_id": settings.LINKEDIN_CLIENT_ID,
                "client_secret": settings.LINKEDIN_CLIENT_SECRET,
            },
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ).json()
        expires_in = answer.get("expires_in")
        scope = str(answer.get("scope") or "")
        return TokenSet(
            access_token=answer["access_token"],
            expires_at=(
                timezone.now() + timedelta(seconds=int(expires_in)) if expires_in else None
            ),
            scopes=tuple(s for s in scope.replace(" ", ",").split(",") if s)
            or LINKEDIN_PAGE_SCOPES,
        )

    def administered_pages(self, token: str) -> list[Page]:
        """The pages the member may post as (``organizationAcls``), with their names."""
        answer = self.http.request(
            "GET",
            f"{self.api}/rest/organizationAcls",
            params={"q": "roleAssignee", "state": "APPROVED"},
            headers=self._headers(token),
        ).json()
        pages: list[Page] = []
        for element in (answer.get("elements") or [])[:MAX_PAGES]:
            urn = str(element.get("organization") or "")
            if element.get("role") not in LINKEDIN_POSTING_ROLES or not urn:
                continue
            org_id = urn.rsplit(":", 1)[-1]
            try:
                info = self.http.request(
                    "GET", f"{self.api}/rest/organizations/{org_id}", headers=self._headers(token)
                ).json()
            except Rejected:
                info = {}
            vanity = info.get("vanityName") or org_id
            pages.append(
                Page(
                    external_id=urn,
                    display_name=str(info.get("localizedName") or urn),
                    profile_url=f"{self.www}/company/{vanity}/",
                    access_token=token,
                )
            )
        return pages

    # ---- re-sharing ---------------------------------------------------------------------------
    def reshare_body(self, *, author: str, parent: str, comment: str) -> dict[str, Any]:
        return {
            "author": author,
            "commentary": escape_little_text(comment),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
            "reshareContext": {"parent": parent},
        }

    def reshare(self, account: AccountRef, *, parent: str, comment: str) -> PublishResult:
        response = self.http.request(
            "POST",
            f"{self.api}/rest/posts",
            create=True,
            json_body=self.reshare_body(author=account.external_id, parent=parent, comment=comment),
            headers=self._headers(account.access_token),
        )
        urn = response.headers.get("x-restli-id") or response.headers.get("x-linkedin-id", "")
        if not urn:
            raise Rejected("LinkedIn accepted the post without saying its id.", code="no_id")
        return PublishResult(external_id=urn, permalink=permalink(urn))

    def find_reshare(
        self, account: AccountRef, *, parent: str, comment: str, since: datetime
    ) -> PublishResult | None:
        """The page's re-share of ``parent`` with ``comment`` made since ``since``."""
        commentary = escape_little_text(comment)
        since_ms = int((since - CLOCK_SLACK).timestamp() * 1000)
        count = 20
        for page in range(RECONCILE_PAGES):
            query = urlencode(
                {"q": "author", "start": page * count, "count": count, "sortBy": "CREATED"}
            )
            answer = self.http.request(
                "GET",
                f"{self.api}/rest/posts?{query}&author={quote(account.external_id, safe='')}",
                headers=self._headers(account.access_token),
            ).json()
            elements = answer.get("elements") or []
            for post in elements:
                created = int(post.get("createdAt") or post.get("publishedAt") or 0)
                if created < since_ms:
                    return None
                if (post.get("reshareContext") or {}).get("parent") != parent:
                    continue
                if post.get("commentary", "") != commentary:
                    continue
                return PublishResult(external_id=post["id"], permalink=permalink(post["id"]))
            links = (answer.get("paging") or {}).get("links") or []
            if not elements or not any(link.get("rel") == "next" for link in links):
                return None
        return None


class FacebookCompanyPages:
    network = "facebook"

    def __init__(self) -> None:
        self.http = HttpClient("facebook", "graph")
        self.pages_connector = FacebookPageConnector()

    @property
    def versioned(self) -> str:
        graph = settings.NETWORK_BASES["META_GRAPH_BASE"].rstrip("/")
        return f"{graph}/{settings.META_GRAPH_VERSION}"

    def authorize_url(self, *, state: str, redirect_uri: str) -> str:
        www = settings.NETWORK_BASES["FACEBOOK_WWW_BASE"].rstrip("/")
        query = urlencode(
            {
                "response_type": "code",
                "client_id": settings.META_APP_ID,
                "redirect_uri": redirect_uri,
                "state": state,
                "scope": ",".join(FACEBOOK_PAGE_SCOPES),
            }
        )
        return f"{www}/{settings.META_GRAPH_VERSION}/dialog/oauth?{query}"

    def exchange_code(self, *, code: str, redirect_uri: str) -> TokenSet:
        """Code -> short user token -> 60-day user token (page tokens made from it do not expire)."""
        short = self.http.request(
            "GET",
            f"{self.versioned}/oauth/access_token",
            params={
                "client_id": settings.META_APP_ID,
                "client_secret": settings.META_APP_SECRET,
                "redirect_uri": redirect_uri,
                "code": code,
            },
        ).json()
        long = self.http.request(
            "GET",
            f"{self.versioned}/oauth/access_token",
            params={
                "grant_type": "fb_exchange_token",
                "client_id": settings.META_APP_ID,
                "client_secret": settings.META_APP_SECRET,
                "fb_exchange_token": short["access_token"],
            },
        ).json()
        expires_in = long.get("expires_in")
        return TokenSet(
            access_token=long["access_token"],
            expires_at=(
                timezone.now() + timedelta(seconds=int(expires_in)) if expires_in else None
            ),
            scopes=FACEBOOK_PAGE_SCOPES,
        )

    def administered_pages(self, token: str) -> list[Page]:
        """The user's pages they may post to, each with its page token (``/me/accounts``)."""
        pages: list[Page] = []
        url: str | None = f"{self.versioned}/me/accounts"
        params: dict[str, Any] | None = {
            "fields": "id,name,access_token,tasks,link",
            "access_token": token,
        }
        while url and len(pages) < MAX_PAGES:
            answer = self.http.request("GET", url, params=params).json()
            for page in answer.get("data") or []:
                tasks = set(page.get("tasks") or [])
                if not page.get("access_token") or (tasks and not tasks & FACEBOOK_POSTING_TASKS):
                    continue
                pages.append(
                    Page(
                        external_id=str(page["id"]),
                        display_name=str(page.get("name") or page["id"]),
                        profile_url=page.get("link") or f"https://www.facebook.com/{page['id']}",
                        access_token=page["access_token"],
                    )
                )
            url = (answer.get("paging") or {}).get("next")
            params = None
        return pages

    def share_link(self, account: AccountRef, *, link: str, comment: str) -> PublishResult:
        return self.pages_connector.publish(account, PostContent(caption=comment, link_url=link))

    def find_share(
        self, account: AccountRef, *, link: str, comment: str, since: datetime
    ) -> PublishResult | None:
        return self.pages_connector.find_published(
            account, PostContent(caption=comment, link_url=link), since=since
        )


def company_pages_for(network: str) -> LinkedInCompanyPages | FacebookCompanyPages:
    if network == "linkedin":
        return LinkedInCompanyPages()
    if network == "facebook":
        return FacebookCompanyPages()
    raise LookupError(f"no company-page connector for {network!r}")
