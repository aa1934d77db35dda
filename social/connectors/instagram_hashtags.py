"""Instagram Hashtag Search through the *Instagram API with Facebook Login* (SOCIAL_APIS.md).

Only a token from Facebook Login for Business (on ``META_GRAPH_BASE``, graph.facebook.com)
with ``instagram_basic`` and the *Instagram Public Content Access* feature may search
hashtags, on behalf of an Instagram business account linked to a Facebook page. The login
here is the organization's (an admin connects the company's account), not a member's, so it
does not go through allauth's per-person connect flow: ``authorize_url`` /
``exchange_code`` / ``business_accounts`` are the three steps, over the same HTTP client and
error mapping as every connector.

Hashtag media carries no owner or username: the API does not say who posted a post it finds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone

from .base import Rejected
from .graph import graph_time
from .http import HttpClient

SCOPES = ("instagram_basic", "pages_show_list", "pages_read_engagement")
MEDIA_FIELDS = "id,caption,media_type,permalink,timestamp,like_count"
#: Pages of hashtag media read per edge and sweep (25 each).
MEDIA_PAGES = 2


class HashtagLimitReached(Rejected):
    """Instagram refused a new hashtag: 30 unique hashtags in 7 days (Graph error 18)."""


class HashtagNotSearchable(Rejected):
    """Instagram refuses this hashtag (emoji, or one it deems sensitive: Graph error 24)."""


@dataclass(frozen=True)
class BusinessAccount:
    ig_user_id: str
    username: str
    page_id: str
    page_name: str


@dataclass(frozen=True)
class HashtagMedia:
    external_id: str
    caption: str
    media_type: str
    permalink: str
    posted_at: datetime | None
    like_count: int | None


def _graph() -> str:
    base = settings.NETWORK_BASES["META_GRAPH_BASE"].rstrip("/")
    return f"{base}/{settings.META_GRAPH_VERSION}"


class InstagramHashtagClient:
    def __init__(self) -> None:
        self.http = HttpClient("instagram", "graph")

    # ---- Facebook Login for Business ----------------------------------------------------
    @staticmethod
    def authorize_url(*, redirect_uri: str, state: str) -> str:
        www = settings.NETWORK_BASES["FACEBOOK_WWW_BASE"].rstrip("/")
        query = urlencode(
            {
                "client_id": settings.META_APP_ID,
                "redirect_uri": redirect_uri,
                "state": state,
                "response_type": "code",
                "scope": ",".join(SCOPES),
            }
        )
        return f"{www}/{settings.META_GRAPH_VERSION}/dialog/oauth?{query}"

    def exchange_code(self, *, code: str, redirect_uri: str) -> tuple[str, datetime | None]:
        """Code -> short user token -> 60-day user token (and its expiry)."""
        short = self.http.request(
            "GET",
            f"{_graph()}/oauth/access_token",
            params={
                "client_id": settings.META_APP_ID,
                "client_secret": settings.META_APP_SECRET,
                "redirect_uri": redirect_uri,
                "code": code,
            },
        ).json()
        answer = self.http.request(
            "GET",
            f"{_graph()}/oauth/access_token",
            params={
                "grant_type": "fb_exchange_token",
                "client_id": settings.META_APP_ID,
                "client_secret": settings.META_APP_SECRET,
                "fb_exchange_token": short["access_token"],
            },
        ).json()
        expires_in = answer.get("expires_in")
        expires_at = timezone.now() + timedelta(seconds=int(expires_in)) if expires_in else None
        return str(answer["access_token"]), expires_at

    def business_accounts(self, *, token: str) -> list[BusinessAccount]:
        """The Instagram business accounts linked to the pages the user manages."""
        answer = self.http.request(
            "GET",
            f"{_graph()}/me/accounts",
            params={"fields": "id,name,instagram_business_account", "access_token": token},
        ).json()
        found = []
        for page in answer.get("data") or []:
            linked = page.get("instagram_business_account") or {}
            if isinstance(linked, dict) and linked.get("id"):
                found.append(
                    BusinessAccount(
                        ig_user_id=str(linked["id"]),
                        username=str(linked.get("username") or ""),
                        page_id=str(page.get("id") or ""),
                        page_name=str(page.get("name") or ""),
                    )
                )
        return found

    # ---- Hashtag Search -----------------------------------------------------------------
    def _get(self, token: str, path: str, **params: Any) -> dict[str, Any]:
        return self.http.request(
            "GET", f"{_graph()}/{path}", params={**params, "access_token": token}
        ).json()

    def hashtag_id(self, *, token: str, ig_user_id: str, hashtag: str) -> str:
        try:
            answer = self._get(token, "ig_hashtag_search", user_id=ig_user_id, q=hashtag)
        except Rejected as exc:
            if exc.code == "18":
                raise HashtagLimitReached(exc.message, code="18", status=exc.status) from exc
            if exc.code == "24":
                raise HashtagNotSearchable(exc.message, code="24", status=exc.status) from exc
            raise
        data = answer.get("data") or []
        if not data or not data[0].get("id"):
            raise HashtagNotSearchable("Instagram found no such hashtag.", code="empty")
        return str(data[0]["id"])

    def media(
        self, *, token: str, ig_user_id: str, hashtag_id: str, edge: str
    ) -> list[HashtagMedia]:
        """``edge`` is ``recent_media`` (the last 24 hours) or ``top_media``."""
        found: list[HashtagMedia] = []
        params: dict[str, Any] = {"user_id": ig_user_id, "fields": MEDIA_FIELDS, "limit": 25}
        for _page in range(MEDIA_PAGES):
            answer = self._get(token, f"{hashtag_id}/{edge}", **params)
            for entry in answer.get("data") or []:
                if not entry.get("id"):
                    continue
                likes = entry.get("like_count")
                found.append(
                    HashtagMedia(
                        external_id=str(entry["id"]),
                        caption=str(entry.get("caption") or ""),
                        media_type=str(entry.get("media_type") or ""),
                        permalink=str(entry.get("permalink") or ""),
                        posted_at=graph_time(entry.get("timestamp")),
                        like_count=int(likes) if isinstance(likes, int) else None,
                    )
                )
            paging = answer.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after") if paging.get("next") else None
            if not after:
                break
            params["after"] = after
        return found

    def recently_searched(self, *, token: str, ig_user_id: str) -> list[str]:
        answer = self._get(token, f"{ig_user_id}/recently_searched_hashtags", fields="id,name")
        return [str(e.get("name") or e.get("id")) for e in answer.get("data") or []]
