"""What a provider's completed login hands to ``social.oauth``, beside allauth's SocialLogin.

allauth keeps a token in ``sociallogin.token`` (one access token, a refresh token, an expiry);
the networks give more that Chorus needs: the granted scopes, the audience, and for Facebook
one page token per managed page. Secrets never go into ``SocialAccount.extra_data`` (stored in
plain text); they travel on the in-memory login object only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from social.connectors.base import Profile

_ATTRIBUTE = "chorus_grant"


@dataclass
class ConnectGrant:
    network: str
    scopes: tuple[str, ...] = ()
    #: The accounts this login connects (one, or one per Facebook page). Page tokens ride on
    #: ``Profile.access_token``; the others use ``sociallogin.token``.
    profiles: list[Profile] = field(default_factory=list)


def attach_grant(sociallogin: Any, grant: ConnectGrant) -> None:
    setattr(sociallogin, _ATTRIBUTE, grant)


def grant_of(sociallogin: Any) -> ConnectGrant | None:
    return getattr(sociallogin, _ATTRIBUTE, None)


def granted_scopes(raw: Any, requested: list[str]) -> tuple[str, ...]:
    """Scopes from a token answer (list, or comma/space separated), else the requested ones."""
    if isinstance(raw, list | tuple):
        return tuple(str(s) for s in raw if s)
    if isinstance(raw, str) and raw.strip():
        return tuple(s for s in raw.replace(",", " ").split() if s)
    return tuple(requested)
