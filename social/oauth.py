"""django-allauth glue: the network OAuth dances only ever *connect* accounts.

allauth runs the dance (authorize redirect, state, code exchange, profile); this adapter takes
over when it completes (``pre_social_login``):

* Only ``process=connect`` by a signed-in member is accepted. Anything else (a sign-in or
  sign-up attempt through a network) ends here with a message: Chorus does not offer network
  sign-in, and a completed OAuth login never signs anyone in or creates a user.
* A network account already linked to another Chorus user is refused, not moved.
* Reconnecting re-authorises the account already connected: a different account of the same
  network coming back is refused with a message (``network_account_reconnect_refusal``).
* The tokens go, encrypted, into ``social.models.NetworkAccount`` through
  ``services_accounts.network_account_connect`` (allauth's own token storage stays off:
  ``SOCIALACCOUNT_STORE_TOKENS = False``); allauth's ``SocialAccount`` keeps the link only.

The flow then returns to the page that started it (``next``, My networks) with one message.
Errors and a cancelled authorization return there too, with a message the member can act on.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount import signals
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount, SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from allauth.socialaccount.providers.base.constants import AuthError
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from advocacy.networks import Network
from advocacy.redirects import next_url_or

from .connectors.base import Profile, TokenSet
from .models import AccountKind
from .providers.grant import ConnectGrant, grant_of, granted_scopes
from .services.accounts import (
    network_account_connect,
    network_account_reconnect_refusal,
    network_accounts_disconnect_for_login,
)

logger = logging.getLogger(__name__)

#: allauth provider id (``openid_connect`` apps by their ``provider_id``) -> our network.
PROVIDER_NETWORKS: dict[str, str] = {
    "linkedin": Network.LINKEDIN,
    "instagram": Network.INSTAGRAM,
    "facebook": Network.FACEBOOK,
}


def network_label(network: str) -> str:
    try:
        return str(Network(network).label)
    except ValueError:
        return network


def _next_url(request: HttpRequest, state: dict[str, Any] | None) -> str:
    return next_url_or(request, (state or {}).get("next"), reverse("home"))


def _finish(request: HttpRequest, url: str, level: int, message: str) -> ImmediateHttpResponse:
    messages.add_message(request, level, message)
    return ImmediateHttpResponse(HttpResponseRedirect(url))


def linkedin_grant(sociallogin: SocialLogin, requested_scopes: list[str]) -> ConnectGrant:
    """LinkedIn's member profile from allauth's OpenID Connect data (userinfo, else id_token).

    LinkedIn grants all requested scopes or refuses the authorization, so the requested
    scopes are the granted ones. It reports no audience size to these scopes.
    """
    extra = sociallogin.account.extra_data or {}
    data = extra.get("userinfo") or extra.get("id_token") or extra
    sub = str(data.get("sub") or sociallogin.account.uid)
    name = data.get("name") or " ".join(
        p for p in (data.get("given_name"), data.get("family_name")) if p
    )
    return ConnectGrant(
        network=Network.LINKEDIN,
        scopes=tuple(requested_scopes),
        profiles=[
            Profile(
                external_id=sub,
                display_name=name or sub,
                kind=AccountKind.MEMBER,
                avatar_url=data.get("picture") or "",
                extra={"author_urn": f"urn:li:person:{sub}"},
            )
        ],
    )


def _token_set(sociallogin: SocialLogin, grant: ConnectGrant, profile: Profile) -> TokenSet:
    if profile.access_token:  # a Facebook page token: made from a 60-day user token, no expiry
        return TokenSet(access_token=profile.access_token, expires_at=None, scopes=grant.scopes)
    token = sociallogin.token
    if token is None or not token.token:
        raise ValueError("the completed login carries no access token")
    return TokenSet(
        access_token=token.token,
        expires_at=token.expires_at,
        refresh_token=token.token_secret or None,
        scopes=grant.scopes,
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """``SOCIALACCOUNT_ADAPTER``: connect-only network logins, tokens into NetworkAccount."""

    def list_providers(self, request: HttpRequest) -> list:
        """No "sign in with …" buttons on the login and sign-up pages (network sign-in is not
        offered); members connect networks from My networks."""
        return []

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def get_connect_redirect_url(self, request: HttpRequest, socialaccount: Any) -> str:
        return reverse("home")

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        provider_id = sociallogin.account.provider
        network = PROVIDER_NETWORKS.get(provider_id)
        state = sociallogin.state or {}
        next_url = _next_url(request, state)
        label = network_label(network or provider_id)
        user = getattr(request, "user", None)
        if state.get("process") != AuthProcess.CONNECT or user is None or not user.is_authenticated:
            raise _finish(
                request,
                reverse("account_login") if not (user and user.is_authenticated) else next_url,
                messages.ERROR,
                _(
                    "Signing in with %(network)s is not offered. Sign in with your e-mail "
                    "address, then connect %(network)s from My networks."
                )
                % {"network": label},
            )
        if network is None:
            raise _finish(request, next_url, messages.ERROR, _("This network cannot be connected."))
        if sociallogin.is_existing and sociallogin.user.pk != user.pk:
            raise _finish(
                request,
                next_url,
                messages.ERROR,
                _(
                    "This %(network)s account is already connected to another Chorus user. "
                    "It can be connected to one person only."
                )
                % {"network": label},
            )
        grant = grant_of(sociallogin)
        if grant is None:
            provider = sociallogin.account.get_provider(request)
            grant = linkedin_grant(sociallogin, provider.get_scope())
        if not grant.profiles:
            raise _finish(
                request,
                next_url,
                messages.WARNING,
                _(
                    "%(network)s found no account Chorus can post to. For Facebook, Chorus "
                    "posts to pages you manage; your personal profile shares through "
                    "Facebook's share dialog."
                )
                % {"network": label},
            )
        refusal = network_account_reconnect_refusal(
            user=user, network=network, login_uid=str(sociallogin.account.uid)
        )
        if refusal:
            raise _finish(request, next_url, messages.ERROR, refusal)
        with transaction.atomic():
            accounts = [
                network_account_connect(
                    user=user,
                    network=network,
                    profile=profile,
                    tokens=_token_set(sociallogin, grant, profile),
                )
                for profile in grant.profiles
            ]
            if not sociallogin.is_existing:
                sociallogin.connect(request, user)
        names = ", ".join(a.display_name or a.external_id for a in accounts)
        raise _finish(
            request,
            next_url,
            messages.SUCCESS,
            _("%(network)s connected: %(names)s.") % {"network": label, "names": names},
        )

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        """Back to My networks with a message instead of allauth's bare error page."""
        state = (extra_context or {}).get("state")
        # allauth's provider ids are strings.
        provider_id = cast(str, getattr(provider, "sub_id", None) or getattr(provider, "id", ""))
        label = network_label(PROVIDER_NETWORKS.get(provider_id, provider_id))
        if exception is not None:
            logger.warning(
                "network connect failed: provider=%s user=%s error=%s",
                provider_id,
                getattr(getattr(request, "user", None), "pk", None),
                exception,
            )
        if error == AuthError.CANCELLED:
            message = _("You cancelled connecting %(network)s. Nothing was changed.") % {
                "network": label
            }
            level = messages.INFO
        else:
            message = _(
                "%(network)s could not be connected. Please try again; if it keeps failing, "
                "tell your program's administrator."
            ) % {"network": label}
            level = messages.ERROR
        raise _finish(request, _next_url(request, state), level, message)


def _on_social_account_removed(sender: Any, request: HttpRequest, socialaccount: Any, **kw: Any):
    """allauth's own "remove connection" page: wipe the tokens that came through that login."""
    network = PROVIDER_NETWORKS.get(socialaccount.provider)
    if network:
        network_accounts_disconnect_for_login(
            user_id=socialaccount.user_id, network=network, uid=socialaccount.uid
        )


def connect_signals() -> None:
    signals.social_account_removed.connect(
        _on_social_account_removed, sender=SocialAccount, dispatch_uid="social_account_removed"
    )


def connect_login_url(network: str) -> str:
    """Where the My networks page posts (``process=connect``) to start connecting ``network``."""
    if network == Network.LINKEDIN:
        return reverse("openid_connect_login", kwargs={"provider_id": "linkedin"})
    return reverse(f"{network}_login")


__all__ = [
    "PROVIDER_NETWORKS",
    "SocialAccountAdapter",
    "connect_login_url",
    "granted_scopes",
    "linkedin_grant",
]
