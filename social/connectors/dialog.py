"""Networks Chorus cannot post to, shared through the network's own dialog or intent.

Facebook personal profiles (no app may post to them) use the Share Dialog; X (until its API
connector exists) uses the post intent. Both open in the member's browser, take our tracked
link, and return no post id: such shares have no network metrics, only tracked-link clicks.
"""

from __future__ import annotations

from abc import abstractmethod
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .base import (
    AccountRef,
    Connector,
    Metrics,
    PostContent,
    Posting,
    PublishResult,
    Rejected,
    TokenSet,
)

X_INTENT_URL = "https://x.com/intent/post"


def _hashtag(tag: str) -> str:
    tag = tag.strip().lstrip("#")
    return f"#{tag}" if tag else ""


def facebook_share_dialog_url(*, href: str, hashtag: str = "", redirect_uri: str = "") -> str:
    """``{www}/dialog/share?app_id&display=popup&href&hashtag`` (one hashtag, with its ``#``)."""
    params = {"app_id": settings.META_APP_ID, "display": "popup", "href": href}
    if _hashtag(hashtag):
        params["hashtag"] = _hashtag(hashtag)
    if redirect_uri:
        params["redirect_uri"] = redirect_uri
    base = settings.NETWORK_BASES["FACEBOOK_WWW_BASE"].rstrip("/")
    return f"{base}/dialog/share?{urlencode(params)}"


def x_intent_url(*, text: str, url: str = "") -> str:
    """``https://x.com/intent/post?text=&url=``."""
    params = {"text": text}
    if url:
        params["url"] = url
    return f"{X_INTENT_URL}?{urlencode(params)}"


class DialogConnector(Connector):
    """A network reached only through a dialog the member completes in the browser."""

    posting = Posting.DIALOG
    #: How the network is shown: its key on My networks, its composer row, and what it means.
    key: str = ""
    #: The dialog can be opened with the caption filled in (X's intent can; Facebook's cannot).
    takes_caption: bool = True
    target_label: Any = None  # default: "<Network> (through its share dialog)"
    description: Any = ""

    @abstractmethod
    def share_dialog_url(self, content: PostContent, *, redirect_uri: str = "") -> str:
        """Where to send the member to share ``content``."""

    def publish(self, account: AccountRef, content: PostContent) -> PublishResult:
        raise Rejected(
            f"Chorus cannot post to {self.network} for you: use the share dialog.", code="dialog"
        )

    def find_published(
        self, account: AccountRef, content: PostContent, *, since: datetime
    ) -> PublishResult | None:
        return None

    def fetch_metrics(self, account: AccountRef, external_ids: list[str]) -> dict[str, Metrics]:
        return {}

    def refresh(self, account: AccountRef, tokens: TokenSet) -> TokenSet:
        return tokens


class FacebookDialogConnector(DialogConnector):
    """Facebook personal profiles: no app may post to them."""

    network = "facebook"
    requires_link = True
    takes_caption = False
    key = "facebook_profile"
    target_label = _("Facebook (your profile, through Facebook's share dialog)")
    description = _("Your personal profile, through Facebook's share dialog")

    def share_dialog_url(self, content: PostContent, *, redirect_uri: str = "") -> str:
        return facebook_share_dialog_url(
            href=content.link_url, hashtag=content.hashtag, redirect_uri=redirect_uri
        )


class XDialogConnector(DialogConnector):
    network = "x"
    posting = Posting.INTENT
    key = "x"
    description = _("Through X's post dialog")

    def share_dialog_url(self, content: PostContent, *, redirect_uri: str = "") -> str:
        return x_intent_url(text=content.caption, url=content.link_url)
