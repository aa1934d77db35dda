"""Tracked links: short unguessable codes, the URL with UTM parameters they redirect to, and
turning a link off (which evicts the redirect's cached target at once)."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.db import IntegrityError, transaction

from advocacy.soft_cache import soft_cache

from ..models import Share, TrackedLink
from ..selectors.links import link_cache_key

#: 10 characters of URL-safe base64 ≈ 60 bits: unguessable, still short.
CODE_BYTES = 8


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)[:10]


def utm_url(url: str, *, network: str, campaign: str = "", content: str = "") -> str:
    """``url`` with utm_source/medium/campaign/content set; other query parameters kept."""
    parts = urlsplit(url)
    utm = {
        "utm_source": network,
        "utm_medium": "employee_advocacy",
        "utm_campaign": campaign or "chorus",
        "utm_content": content,
    }
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in utm]
    query += [(k, v) for k, v in utm.items() if v]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def tracked_link_create(*, share: Share) -> TrackedLink:
    """The share's tracked link (created once; retried on the rare code collision)."""
    if Share.link.is_cached(share):  # loaded with the share (``lock_share``): no look-up
        existing = getattr(share, "link", None)
    else:
        existing = TrackedLink.objects.filter(share=share).first()
    if existing is not None:
        return existing
    target = utm_url(
        share.item.url,
        network=share.network,
        campaign=share.utm_campaign,
        content=f"item-{share.item_id}",
    )
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return TrackedLink.objects.create(
                    organization_id=share.organization_id,
                    share=share,
                    item_id=share.item_id,
                    code=new_code(),
                    target_url=target,
                )
        except IntegrityError:
            if TrackedLink.objects.filter(share=share).exists():
                return TrackedLink.objects.get(share=share)
    raise RuntimeError("could not allocate a unique tracked-link code")


def tracked_link_url(link: TrackedLink) -> str:
    """The public short URL members post."""
    return f"{settings.TRACKED_LINK_BASE_URL.rstrip('/')}/s/{link.code}"


def tracked_link_cache_evict(link: TrackedLink) -> None:
    soft_cache.delete(link_cache_key(link.code))


def tracked_link_set_active(*, link: TrackedLink, active: bool) -> TrackedLink:
    """Enable or disable a tracked link; the redirect answers 404 for a disabled one at once."""
    TrackedLink.objects.filter(pk=link.pk).update(is_active=active)
    link.is_active = active
    tracked_link_cache_evict(link)
    # Another request may cache the old row before this transaction commits: evict again then.
    transaction.on_commit(lambda: tracked_link_cache_evict(link))
    return link
