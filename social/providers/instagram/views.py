"""The Instagram Login dance: authorize, short-lived token, the 60-day exchange, the profile."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.instagram.views import InstagramOAuth2Adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.conf import settings
from django.http import HttpRequest

from advocacy.networks import Network
from social.connectors.base import Profile
from social.models import AccountKind

from ..grant import ConnectGrant, attach_grant, granted_scopes

PROFILE_FIELDS = "user_id,username,name,account_type,followers_count,profile_picture_url"


def _bases() -> dict[str, str]:
    return settings.NETWORK_BASES


class InstagramLoginOAuth2Adapter(InstagramOAuth2Adapter):
    provider_id = "instagram"
    scope_delimiter = ","

    @property
    def authorize_url(self) -> str:
        return _bases()["INSTAGRAM_WWW_BASE"].rstrip("/") + "/oauth/authorize"

    @property
    def access_token_url(self) -> str:
        return _bases()["INSTAGRAM_OAUTH_BASE"].rstrip("/") + "/oauth/access_token"

    @property
    def graph_url(self) -> str:
        return _bases()["INSTAGRAM_GRAPH_BASE"].rstrip("/")

    def get_access_token_data(
        self, request: HttpRequest, app: Any, client: Any, pkce_code_verifier: Any = None
    ) -> dict[str, Any]:
        """Code -> 1-hour token, exchanged at once for the 60-day token Chorus keeps."""
        short = super().get_access_token_data(
            request, app, client, pkce_code_verifier=pkce_code_verifier
        )
        with get_adapter().get_requests_session() as session:
            response = session.get(
                f"{self.graph_url}/access_token",
                params={
                    "grant_type": "ig_exchange_token",
                    "client_secret": app.secret,
                    "access_token": short["access_token"],
                },
            )
        if response.status_code != 200 or "access_token" not in response.text:
            raise OAuth2Error(f"Instagram long-lived token exchange failed: {response.text[:300]}")
        long_lived = response.json()
        return {
            "access_token": long_lived["access_token"],
            "expires_in": long_lived.get("expires_in"),
            "user_id": short.get("user_id"),
            "permissions": short.get("permissions"),
        }

    def complete_login(self, request: HttpRequest, app: Any, token: Any, **kwargs: Any) -> Any:
        answer = kwargs.get("response") or {}
        with get_adapter().get_requests_session() as session:
            response = session.get(
                f"{self.graph_url}/{settings.META_GRAPH_VERSION}/me",
                params={"fields": PROFILE_FIELDS, "access_token": token.token},
            )
            response.raise_for_status()
            data = response.json()
        data.setdefault("user_id", answer.get("user_id") or data.get("id"))
        provider = self.get_provider()
        login = provider.sociallogin_from_response(request, data)
        username = data.get("username") or ""
        followers = data.get("followers_count")
        attach_grant(
            login,
            ConnectGrant(
                network=Network.INSTAGRAM,
                scopes=granted_scopes(answer.get("permissions"), provider.get_scope()),
                profiles=[
                    Profile(
                        external_id=str(data["user_id"]),
                        display_name=data.get("name") or username,
                        kind=AccountKind.PROFESSIONAL,
                        profile_url=f"https://www.instagram.com/{username}/" if username else "",
                        avatar_url=data.get("profile_picture_url") or "",
                        audience_size=int(followers) if followers is not None else None,
                        extra={"username": username, "account_type": data.get("account_type")},
                    )
                ],
            ),
        )
        return login


oauth2_login = OAuth2LoginView.adapter_view(InstagramLoginOAuth2Adapter)
oauth2_callback = OAuth2CallbackView.adapter_view(InstagramLoginOAuth2Adapter)
