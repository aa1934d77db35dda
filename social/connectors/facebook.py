"""Facebook Pages: posts to a page the member manages, with the page token (``/me/accounts``).

See SOCIAL_APIS.md "Facebook". Personal profiles cannot be posted to by any app: those shares go
through the Share Dialog (``social.connectors.dialog``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .base import (
    AccountRef,
    Metrics,
    PostContent,
    PublishResult,
    ReauthRequired,
    Rejected,
    TokenSet,
)
from .concurrent import each_concurrently
from .graph import GraphConnector, graph_int

INSIGHT_METRICS = (
    "post_total_media_view_unique",
    "post_media_view",
    "post_reactions_by_type_total",
    "post_clicks",
)


class FacebookPageConnector(GraphConnector):
    network = "facebook"
    account_kinds = frozenset({"page"})
    graph_base_setting = "META_GRAPH_BASE"

    def publish(self, account: AccountRef, content: PostContent) -> PublishResult:
        """A link post (``message`` + ``link``), or a photo post when there is no link."""
        page = account.external_id
        if content.link_url:
            post_id = self._post(
                account, f"{page}/feed", message=content.caption, link=content.link_url
            )["id"]
        elif content.image_urls:
            post_id = self._post(
                account, f"{page}/photos", url=content.image_urls[0], caption=content.caption
            )["post_id"]
        elif content.caption.strip():
            post_id = self._post(account, f"{page}/feed", message=content.caption)["id"]
        else:
            raise Rejected("There is nothing to post.", code="empty")
        return PublishResult(external_id=post_id, permalink=self.permalink(account, post_id))

    def permalink(self, account: AccountRef, post_id: str) -> str:
        try:
            return str(
                self._get(account, post_id, fields="permalink_url").get("permalink_url") or ""
            )
        except Rejected:
            return ""

    def find_published(
        self, account: AccountRef, content: PostContent, *, since: datetime
    ) -> PublishResult | None:
        """The page's post with our message (and link) made since ``since``."""
        for post in self.recent(
            account,
            f"{account.external_id}/feed",
            fields="id,message,created_time,permalink_url,attachments",
            time_field="created_time",
            since=since,
        ):
            if (post.get("message") or "") != content.caption:
                continue
            if content.link_url:
                urls = [
                    a.get("url")
                    for a in (post.get("attachments") or {}).get("data") or []
                    if isinstance(a, dict)
                ]
                if urls and content.link_url not in urls:
                    continue
            return PublishResult(external_id=post["id"], permalink=post.get("permalink_url", ""))
        return None

    def fetch_metrics(self, account: AccountRef, external_ids: list[str]) -> dict[str, Metrics]:
        """Page post insights: viewers (reach), media views (impressions), reactions by type."""
        results: dict[str, Metrics] = {}
        answers = each_concurrently(
            lambda post_id: self.insights(account, post_id, INSIGHT_METRICS), external_ids
        )
        for post_id, values in zip(external_ids, answers, strict=True):
            if values is None:
                continue
            reactions = values.get("post_reactions_by_type_total")
            results[post_id] = Metrics(
                impressions=graph_int(values.get("post_media_view")),
                reach=graph_int(values.get("post_total_media_view_unique")),
                reactions=(
                    sum(int(v) for v in reactions.values() if isinstance(v, int | float))
                    if isinstance(reactions, dict)
                    else None
                ),
            )
        return results

    def refresh(self, account: AccountRef, tokens: TokenSet) -> TokenSet:
        """Page tokens made from a long-lived user token never expire; a user token is re-exchanged."""
        if tokens.expires_at is None:
            return tokens
        if tokens.expires_at <= timezone.now():
            raise ReauthRequired(
                "The Facebook connection expired: reconnect Facebook.", code="expired"
            )
        answer = self.http.request(
            "GET",
            f"{self.versioned}/oauth/access_token",
            params={
                "grant_type": "fb_exchange_token",
                "client_id": settings.META_APP_ID,
                "client_secret": settings.META_APP_SECRET,
                "fb_exchange_token": tokens.access_token,
            },
        ).json()
        expires_in = answer.get("expires_in")
        return TokenSet(
            access_token=answer["access_token"],
            expires_at=(
                timezone.now() + timedelta(seconds=int(expires_in)) if expires_in else None
            ),
            scopes=tokens.scopes,
        )
