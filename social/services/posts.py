"""What a network receives for a share: the caption as sent, the post content, the dialog URL.

How each network takes the tracked link is declared by its connector
(``link_in_caption``: Instagram captions are not clickable, so the link goes at the end for
people to copy; LinkedIn and Facebook pages carry it as the post's link card; share dialogs
take it as their own parameter).
"""

from __future__ import annotations

from urllib.parse import urljoin

from django.conf import settings

from ..connectors import registry
from ..connectors.base import AccountRef, PostContent
from ..hashtags import first_hashtag
from ..models import NetworkAccount, Share
from ..selectors.shares import share_tracked_link
from .links import tracked_link_create, tracked_link_url


def caption_as_sent(*, network: str, caption: str, link_url: str) -> str:
    """The caption as the network receives it (with the tracked link where it must be)."""
    caption = caption.strip()
    if registry.link_in_caption(network) and link_url and link_url not in caption:
        return f"{caption}\n\n{link_url}" if caption else link_url
    return caption


def caption_as_written(*, network: str, caption: str, link_url: str) -> str:
    """The member's own words of a caption as sent (``caption_as_sent`` undone)."""
    if registry.link_in_caption(network) and link_url:
        return caption.replace(link_url, "").strip()
    return caption


def _absolute(url: str) -> str:
    return url if "://" in url else urljoin(settings.SITE_URL.rstrip("/") + "/", url.lstrip("/"))


def share_post_content(share: Share) -> PostContent:
    """What to publish for ``share``: its caption, its tracked link and the item's preview."""
    item = share.item
    link_url = tracked_link_url(tracked_link_create(share=share)) if item.url else ""
    images = list(item.images.all())
    image_urls = tuple(_absolute(image.image.url) for image in images if image.image)
    return PostContent(
        caption=share.caption or "",
        link_url=link_url,
        title=(item.preview_title or item.title)[:400],
        description=(item.preview_description or item.body or "")[:600],
        thumbnail_url=item.preview_image_url or "",
        image_urls=image_urls,
        alt_text=next((image.alt_text for image in images if image.alt_text), ""),
        hashtag=first_hashtag(share.caption),
    )


def share_dialog_url(share: Share) -> str:
    """The network's share dialog (Facebook) or post intent (X) for a dialog share, with the
    share's tracked link and its first hashtag, as the network's dialog connector builds it."""
    connector = registry.dialog_connector(share.network)
    if connector is None:
        return ""
    link = share_tracked_link(share)
    url = tracked_link_url(link) if link is not None else ""
    content = PostContent(
        caption=share.caption or "", link_url=url, hashtag=first_hashtag(share.caption)
    )
    return connector.share_dialog_url(content)


def account_ref(account: NetworkAccount) -> AccountRef:
    """The account a connector call acts as (its network id and decrypted token)."""
    return AccountRef(
        external_id=account.external_id,
        access_token=account.access_token,
        extra=dict(account.extra or {}),
        scopes=tuple(account.scopes or ()),
    )
