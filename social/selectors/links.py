"""The tracked-link redirect's read: code -> target, cached briefly (``TRACKED_LINK_CACHE_SECONDS``).

Any write that changes what a code answers (deactivating, a new target) evicts the cached
entry through ``social.services.links.tracked_link_cache_evict``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from advocacy.soft_cache import soft_cache

from ..models import TrackedLink

CODE_MAX_LENGTH = 16
CODE_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@dataclass(frozen=True)
class LinkTarget:
    link_id: int
    organization_id: int
    share_id: int | None
    target_url: str
    is_active: bool


def code_is_well_formed(code: str) -> bool:
    return 0 < len(code) <= CODE_MAX_LENGTH and set(code) <= CODE_ALPHABET


def link_cache_key(code: str) -> str:
    """Global on purpose: a code is unique across organizations (the redirect has no tenant)."""
    return f"social:tl:{code}"


def link_target_get(code: str) -> LinkTarget | None:
    """The link behind ``code`` (cached briefly), or ``None`` when there is no such code."""
    if not code_is_well_formed(code):
        return None
    key = link_cache_key(code)
    cached = soft_cache.get(key)  # Redis away: a miss, and the database answers
    if cached is not None:
        return LinkTarget(*cached)
    row = (
        TrackedLink.objects.filter(code=code)
        .values_list("pk", "organization_id", "share_id", "target_url", "is_active")
        .first()
    )
    if row is None:
        return None
    soft_cache.set(key, tuple(row), settings.TRACKED_LINK_CACHE_SECONDS)
    return LinkTarget(*row)
