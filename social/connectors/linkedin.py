"""LinkedIn: posts as the member through the Posts API (``/rest/posts``), Images API, analytics.

See SOCIAL_APIS.md "LinkedIn". Every ``/rest`` call sends the bearer token, ``LinkedIn-Version``
and ``X-Restli-Protocol-Version: 2.0.0``. LinkedIn does not scrape links: an article post carries
our own preview as title, description and an uploaded thumbnail.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.utils import timezone

from ..hashtags import HASHTAG
from .base import (
    AccountRef,
    Connector,
    Duplicate,
    Metrics,
    PermissionMissing,
    PostContent,
    PublishResult,
    ReauthRequired,
    Rejected,
    TokenSet,
)
from .concurrent import each_concurrently
from .http import HttpClient
from .media import MediaUnavailable, image_bytes

log = logging.getLogger(__name__)

#: Characters "little text" reserves; each must be backslash-escaped.
RESERVED = set("\\|{}@[]()<>#*_~")
PERMALINK = "{www}/feed/update/{urn}"
#: Reading a member's recent posts (``GET /rest/posts?q=author``) needs this permission, which
#: LinkedIn grants only to approved partners (Community Management API).
READ_POSTS_SCOPE = "r_member_social"
METRIC_FIELDS = {
    "IMPRESSION": "impressions",
    "MEMBERS_REACHED": "reach",
    "REACTION": "reactions",
    "COMMENT": "comments",
    "RESHARE": "reshares",
    "POST_SAVE": "saves",
}
#: How far back reconciliation looks past ``since`` (clock differences between us and LinkedIn).
CLOCK_SLACK = timedelta(minutes=5)
RECONCILE_PAGES = 5


def escape_little_text(text: str) -> str:
    """Escape ``text`` for LinkedIn's commentary; ``#word`` becomes a live hashtag."""
    out: list[str] = []
    position = 0
    for match in HASHTAG.finditer(text):
        out.append(_escape(text[position : match.start()]))
        out.append("{hashtag|\\#|" + _escape(match[1]) + "}")
        position = match.end()
    out.append(_escape(text[position:]))
    return "".join(out)


def _escape(text: str) -> str:
    return "".join("\\" + c if c in RESERVED else c for c in text)


def permalink(urn: str) -> str:
    """The post's page: on LinkedIn, or the sandbox's own page in sandbox mode."""
    www = settings.NETWORK_BASES.get("LINKEDIN_WWW_BASE") or "https://www.linkedin.com"
    return PERMALINK.format(www=www.rstrip("/"), urn=urn)


def parse_metric_type(value: Any) -> str:
    """``metricType`` is a plain string or a one-key object whose value is the string."""
    if isinstance(value, dict):
        return str(next(iter(value.values()), ""))
    return str(value or "")


class LinkedInConnector(Connector):
    network = "linkedin"
    account_kinds = frozenset({"member"})

    def __init__(self) -> None:
        self.http = HttpClient("linkedin", "linkedin")

    # ---- plumbing -----------------------------------------------------------------------------
    @property
    def api(self) -> str:
        return settings.NETWORK_BASES["LINKEDIN_API_BASE"].rstrip("/")

    @property
    def oauth(self) -> str:
        return settings.NETWORK_BASES["LINKEDIN_OAUTH_BASE"].rstrip("/")

    def _headers(self, account: AccountRef) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {account.access_token}",
            "LinkedIn-Version": str(settings.LINKEDIN_API_VERSION),
            "X-Restli-Protocol-Version": "2.0.0",
            "Content-Type": "application/json",
        }

    @staticmethod
    def author(account: AccountRef) -> str:
        return account.extra.get("author_urn") or f"urn:li:person:{account.external_id}"

    # ---- publishing ---------------------------------------------------------------------------
    def post_body(self, account: AccountRef, content: PostContent) -> dict[str, Any]:
        """The ``/rest/posts`` body, without uploading anything (used to build and to match)."""
        return {
            "author": self.author(account),
            "commentary": escape_little_text(content.caption),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }

    def upload_image(self, account: AccountRef, url: str) -> str:
        """Upload the image at ``url`` for the member; return its ``urn:li:image:…``."""
        data, content_type = image_bytes(url)
        answer = self.http.request(
            "POST",
            f"{self.api}/rest/images",
            params={"action": "initializeUpload"},
            json_body={"initializeUploadRequest": {"owner": self.author(account)}},
            headers=self._headers(account),
        ).json()["value"]
        self.http.request(
            "PUT",
            answer["uploadUrl"],
            data=data,
            headers={
                "Authorization": f"Bearer {account.access_token}",
                "Content-Type": content_type,
            },
        )
        return answer["image"]

    def publish(self, account: AccountRef, content: PostContent) -> PublishResult:
        body = self.post_body(account, content)
        if content.link_url:
            article: dict[str, Any] = {
                "source": content.link_url,
                "title": (content.title or content.link_url)[:400],
            }
            if content.description:
                article["description"] = content.description[:4086]
            thumbnail = content.thumbnail_url or next(iter(content.image_urls), "")
            if thumbnail:
                try:
                    article["thumbnail"] = self.upload_image(account, thumbnail)
                except MediaUnavailable as exc:  # the post goes out without a picture
                    log.info("LinkedIn thumbnail skipped (%s): %s", thumbnail, exc)
            body["content"] = {"article": article}
        elif content.image_urls:
            try:
                images = [self.upload_image(account, url) for url in content.image_urls[:20]]
            except MediaUnavailable as exc:
                raise Rejected(str(exc), code="media") from exc
            if len(images) == 1:
                body["content"] = {"media": {"id": images[0], "altText": content.alt_text[:4086]}}
            else:
                body["content"] = {"multiImage": {"images": [{"id": i} for i in images]}}
        try:
            response = self.http.request(
                "POST",
                f"{self.api}/rest/posts",
                create=True,
                json_body=body,
                headers=self._headers(account),
            )
        except Duplicate as duplicate:
            if duplicate.existing_id:
                duplicate.permalink = permalink(duplicate.existing_id)
            raise
        urn = response.headers.get("x-restli-id") or response.headers.get("x-linkedin-id", "")
        if not urn:
            raise Rejected("LinkedIn accepted the post without saying its id.", code="no_id")
        return PublishResult(external_id=urn, permalink=permalink(urn))

    def can_find_published(self, account: AccountRef) -> bool:
        """The author finder needs ``r_member_social`` (approved partners only); an ordinary
        app reconciles through LinkedIn's duplicate answer instead (see publishing)."""
        return READ_POSTS_SCOPE in account.scopes

    def find_published(
        self, account: AccountRef, content: PostContent, *, since: datetime
    ) -> PublishResult | None:
        """The member's recent post with our commentary and link, made since ``since``
        (``GET /rest/posts?q=author``: needs ``r_member_social``, see ``can_find_published``)."""
        author = self.author(account)
        commentary = escape_little_text(content.caption)
        since_ms = int((since - CLOCK_SLACK).timestamp() * 1000)
        count = 20
        for page in range(RECONCILE_PAGES):
            answer = self.http.request(
                "GET",
                f"{self.api}/rest/posts",
                params={
                    "q": "author",
                    "author": author,
                    "start": page * count,
                    "count": count,
                    "sortBy": "CREATED",
                },
                headers=self._headers(account),
            ).json()
            elements = answer.get("elements") or []
            for post in elements:
                created = int(post.get("createdAt") or post.get("publishedAt") or 0)
                if created < since_ms:
                    return None  # newest first: nothing older can match
                if post.get("commentary", "") != commentary:
                    continue
                article = (post.get("content") or {}).get("article") or {}
                if content.link_url and article.get("source") != content.link_url:
                    continue
                return PublishResult(external_id=post["id"], permalink=permalink(post["id"]))
            links = (answer.get("paging") or {}).get("links") or []
            if not elements or not any(link.get("rel") == "next" for link in links):
                return None
        return None

    # ---- statistics ---------------------------------------------------------------------------
    def _analytics(self, account: AccountRef, urn: str, metric: str) -> int | None:
        kind = "ugc" if urn.startswith("urn:li:ugcPost:") else "share"
        # Rest.li 2.0: the URN is encoded inside the parentheses; build the query by hand so
        # requests does not encode the parentheses and colon a second time.
        query = (
            f"q=entity&entity=({kind}:{quote(urn, safe='')})&queryType={metric}&aggregation=TOTAL"
        )
        answer = self.http.request(
            "GET",
            f"{self.api}/rest/memberCreatorPostAnalytics?{query}",
            headers=self._headers(account),
        ).json()
        for element in answer.get("elements") or []:
            if parse_metric_type(element.get("metricType")) in ("", metric):
                count = element.get("count")
                return int(count) if isinstance(count, int | float) else None
        return None

    def _social_metadata(self, account: AccountRef, urn: str) -> Metrics:
        answer = self.http.request(
            "GET",
            f"{self.api}/rest/socialMetadata/{quote(urn, safe='')}",
            headers=self._headers(account),
        ).json()
        reactions = sum(
            int(r.get("count") or 0) for r in (answer.get("reactionSummaries") or {}).values()
        )
        comments = (answer.get("commentSummary") or {}).get("count")
        return Metrics(
            reactions=reactions, comments=int(comments) if comments is not None else None
        )

    def fetch_metrics(self, account: AccountRef, external_ids: list[str]) -> dict[str, Metrics]:
        """One analytics call per metric and post; socialMetadata when analytics is not granted.

        Member posts have no click metric (clicks come from our tracked links). A post that is
        gone (404) is left out of the answer. Several posts are asked about at once, within the
        per-account bound (``social.connectors.concurrent``).
        """
        answers = each_concurrently(lambda urn: self._post_metrics(account, urn), external_ids)
        return {
            urn: metrics
            for urn, metrics in zip(external_ids, answers, strict=True)
            if metrics is not None
        }

    def _post_metrics(self, account: AccountRef, urn: str) -> Metrics | None:
        values: dict[str, int | None] = {}
        try:
            for metric, field_name in METRIC_FIELDS.items():
                try:
                    values[field_name] = self._analytics(account, urn, metric)
                except Rejected as exc:
                    if exc.code == "not_found":
                        raise
                    values[field_name] = None  # e.g. POST_SAVE on an older API version
            return Metrics(**values)
        except PermissionMissing:
            try:
                return self._social_metadata(account, urn)
            except Rejected:
                return None
        except Rejected as exc:
            if exc.code == "not_found":
                return None
            raise

    # ---- tokens -------------------------------------------------------------------------------
    def refresh(self, account: AccountRef, tokens: TokenSet) -> TokenSet:
        """Refresh with the refresh token (approved partners only); otherwise reconnect."""
        now = timezone.now()
        if not tokens.refresh_token:
            raise ReauthRequired(
                "LinkedIn does not let Chorus renew this connection: reconnect LinkedIn.",
                code="no_refresh_token",
            )
        if tokens.refresh_expires_at is not None and tokens.refresh_expires_at <= now:
            raise ReauthRequired(
                "The LinkedIn connection reached its one-year limit: reconnect LinkedIn.",
                code="refresh_expired",
            )
        answer = self.http.request(
            "POST",
            f"{self.oauth}/v2/accessToken",
            data={
                "grant_type": "refresh_token",
                "refresh_token": tokens.refresh_token,
                "client_id": settings.LINKEDIN_CLIENT_ID,
                "client_secret": settings.LINKEDIN_CLIENT_SECRET,
            },
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ).json()
        refresh_in = answer.get("refresh_token_expires_in")
        scope = answer.get("scope") or ""
        return TokenSet(
            access_token=answer["access_token"],
            expires_at=now + timedelta(seconds=int(answer.get("expires_in") or 0)),
            refresh_token=answer.get("refresh_token") or tokens.refresh_token,
            refresh_expires_at=(
                now + timedelta(seconds=int(refresh_in))
                if refresh_in is not None
                else tokens.refresh_expires_at
            ),
            scopes=tuple(s for s in scope.replace(" ", ",").split(",") if s) or tokens.scopes,
        )
