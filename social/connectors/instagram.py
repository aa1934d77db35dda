"""Instagram (professional accounts, "Instagram API with Instagram Login"): containers, publish, insights.

See SOCIAL_APIS.md "Instagram". Publishing is asynchronous: create a media container, wait until
Meta has fetched the image (``IN_PROGRESS`` -> ``FINISHED``), then ``media_publish``. The
publishing quota (``content_publishing_limit``) is read live before each container.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from .base import (
    AccountRef,
    Metrics,
    PostContent,
    PublishResult,
    QuotaExceeded,
    ReauthRequired,
    Rejected,
    TokenSet,
)
from .concurrent import each_concurrently
from .graph import GraphConnector, graph_int

INSIGHT_FIELDS = {
    "views": "impressions",
    "reach": "reach",
    "likes": "reactions",
    "comments": "comments",
    "shares": "reshares",
    "saved": "saves",
    "total_interactions": "interactions",
}
#: Long-lived tokens live 60 days and may be refreshed once at least 24 hours old.
LONG_TOKEN_DAYS = 60
REFRESH_MIN_AGE = timedelta(hours=24)


def caption_with_link(content: PostContent) -> str:
    """Links are not clickable on Instagram, but the tracked link still goes in the caption."""
    caption = content.caption.strip()
    if content.link_url and content.link_url not in caption:
        caption = f"{caption}\n\n{content.link_url}" if caption else content.link_url
    return caption


class InstagramConnector(GraphConnector):
    network = "instagram"
    account_kinds = frozenset({"professional"})
    requires_image = True
    link_in_caption = True
    graph_base_setting = "INSTAGRAM_GRAPH_BASE"

    # ---- quota --------------------------------------------------------------------------------
    def quota(self, account: AccountRef) -> tuple[int, int, int]:
        """``(used, total, window seconds)`` of the account's publishing quota."""
        answer = self._get(
            account,
            f"{account.external_id}/content_publishing_limit",
            fields="quota_usage,config",
        )
        entry = (answer.get("data") or [{}])[0]
        config = entry.get("config") or {}
        total, window = config.get("quota_total"), config.get("quota_duration")
        return (
            int(entry.get("quota_usage") or 0),
            int(total) if isinstance(total, int | float) else 100,
            int(window) if isinstance(window, int | float) and window > 0 else 86400,
        )

    def check_quota(self, account: AccountRef) -> None:
        used, total, window = self.quota(account)
        if used >= total:
            raise QuotaExceeded(
                f"Instagram allows {total} posts through apps per {window // 3600} hours; "
                "this account has used them all.",
                retry_after=float(min(window, 3600)),
                scope="account",
                code="quota",
            )

    # ---- publishing ---------------------------------------------------------------------------
    def publish(self, account: AccountRef, content: PostContent) -> PublishResult:
        images = list(content.image_urls) or (
            [content.thumbnail_url] if content.thumbnail_url else []
        )
        if not images:
            raise Rejected("Instagram posts need an image.", code="no_image")
        self.check_quota(account)
        caption = caption_with_link(content)
        if len(images) == 1:
            params = {"image_url": images[0], "caption": caption}
            if content.alt_text:
                params["alt_text"] = content.alt_text
            container = self._post(account, f"{account.external_id}/media", **params)["id"]
        else:
            children = [
                self._post(
                    account, f"{account.external_id}/media", image_url=url, is_carousel_item="true"
                )["id"]
                for url in images[:10]
            ]
            container = self._post(
                account,
                f"{account.external_id}/media",
                media_type="CAROUSEL",
                children=",".join(children),
                caption=caption,
            )["id"]
        finished = self.poll_pending(account, container)
        return finished or PublishResult(external_id="", pending_id=container)

    def container_status(self, account: AccountRef, container: str) -> str:
        return str(self._get(account, container, fields="status_code,status").get("status_code"))

    def poll_pending(self, account: AccountRef, pending_id: str) -> PublishResult | None:
        """Publish the container once ``FINISHED``; ``None`` while Meta is still processing."""
        status = self.container_status(account, pending_id)
        if status == "IN_PROGRESS":
            return None
        if status == "ERROR":
            raise Rejected(
                "Instagram could not fetch the image (it must be a public JPEG).",
                code="container_error",
            )
        if status == "EXPIRED":
            raise Rejected(
                "The Instagram upload expired before it could be published.",
                code="container_expired",
            )
        if status == "PUBLISHED":
            raise Rejected(
                "This Instagram upload was already published.", code="container_published"
            )
        media_id = self._post(
            account, f"{account.external_id}/media_publish", creation_id=pending_id
        )["id"]
        return PublishResult(external_id=media_id, permalink=self.permalink(account, media_id))

    def permalink(self, account: AccountRef, media_id: str) -> str:
        try:
            return str(self._get(account, media_id, fields="permalink").get("permalink") or "")
        except Rejected:
            return ""

    def find_published(
        self, account: AccountRef, content: PostContent, *, since: datetime
    ) -> PublishResult | None:
        """The account's media with our caption, made since ``since`` (newest first)."""
        caption = caption_with_link(content)
        for media in self.recent(
            account,
            f"{account.external_id}/media",
            fields="id,caption,timestamp,permalink",
            time_field="timestamp",
            since=since,
        ):
            if (media.get("caption") or "").strip() == caption:
                return PublishResult(external_id=media["id"], permalink=media.get("permalink", ""))
        return None

    # ---- statistics ---------------------------------------------------------------------------
    def fetch_metrics(self, account: AccountRef, external_ids: list[str]) -> dict[str, Metrics]:
        """Insights per media; a metric Meta leaves out is ``None`` (not 0); gone media skipped."""
        results: dict[str, Metrics] = {}
        answers = each_concurrently(
            lambda media_id: self.insights(account, media_id, tuple(INSIGHT_FIELDS)), external_ids
        )
        for media_id, values in zip(external_ids, answers, strict=True):
            if values is None:
                continue
            results[media_id] = Metrics(
                **{field: graph_int(values.get(name)) for name, field in INSIGHT_FIELDS.items()}
            )
        return results

    # ---- tokens -------------------------------------------------------------------------------
    def refresh(self, account: AccountRef, tokens: TokenSet) -> TokenSet:
        """``ig_refresh_token`` once the long-lived token is at least 24 hours old.

        A token that has expired cannot be refreshed (reconnect); one that is still too young is
        returned unchanged.
        """
        now = timezone.now()
        if tokens.expires_at is not None:
            if tokens.expires_at <= now:
                raise ReauthRequired(
                    "The Instagram connection expired: reconnect Instagram.", code="expired"
                )
            issued_at = tokens.expires_at - timedelta(days=LONG_TOKEN_DAYS)
            if now - issued_at < REFRESH_MIN_AGE:
                return tokens
        answer = self.http.request(
            "GET",
            f"{self.graph}/refresh_access_token",
            params={"grant_type": "ig_refresh_token", "access_token": tokens.access_token},
        ).json()
        return TokenSet(
            access_token=answer["access_token"],
            expires_at=now + timedelta(seconds=int(answer.get("expires_in") or 0)),
            scopes=tokens.scopes,
        )
