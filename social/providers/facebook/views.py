"""Facebook Login for pages: code -> user token -> 60-day user token -> page tokens."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.facebook.views import FacebookOAuth2Adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.conf import settings
from django.http import HttpRequest

from advocacy.networks import Network
from social.connectors.base import Profile
from social.models import AccountKind

from ..grant import ConnectGrant, attach_grant

PAGE_FIELDS = "id,name,access_token,tasks,followers_count,fan_count,link"
#: Pages can hold many; Graph pages its answers. A person managing more than this is unusual.
MAX_PAGES = 200


def _graph() -> str:
    return f"{settings.NETWORK_BASES['META_GRAPH_BASE'].rstrip('/')}/{settings.META_GRAPH_VERSION}"


class FacebookPagesOAuth2Adapter(FacebookOAuth2Adapter):
    """allauth's Facebook adapter with configurable bases and the page-token steps."""

    provider_id = "facebook"

    @property
    def authorize_url(self) -> str:
        www = settings.NETWORK_BASES["FACEBOOK_WWW_BASE"].rstrip("/")
        return f"{www}/{settings.META_GRAPH_VERSION}/dialog/oauth"

    @property
    def access_token_url(self) -> str:
        return f"{_graph()}/oauth/access_token"

    def get_access_token_data(
        self, request: HttpRequest, app: Any, client: Any, pkce_code_verifier: Any = None
    ) -> dict[str, Any]:
        """Code -> short user token, exchanged at once for the 60-day one (``fb_exchange_token``).

        Page tokens made from a long-lived user token do not expire.
        """
        short = super().get_access_token_data(
            request, app, client, pkce_code_verifier=pkce_code_verifier
        )
        with get_adapter().get_requests_session() as session:
            response = session.get(
                f"{_graph()}/oauth/access_token",
                params={
                    "grant_type": "fb_exchange_token",
                    "client_id": app.client_id,
                    "client_secret": app.secret,
                    "fb_exchange_token": short["access_token"],
                },
            )
        if response.status_code != 200 or "access_token" not in response.text:
            raise OAuth2Error(f"Facebook long-lived token exchange failed: {response.text[:300]}")
        return response.json()

    def complete_login(self, request: HttpRequest, app: Any, token: Any, **kwargs: Any) -> Any:
        with get_adapter().get_requests_session() as session:
            me = session.get(
                f"{_graph()}/me", params={"fields": "id,name", "access_token": token.token}
            )
            me.raise_for_status()
            user = me.json()
            pages = self._pages(session, token.token)
        provider = self.get_provider()
        login = provider.sociallogin_from_response(request, user)
        attach_grant(
            login,
            ConnectGrant(
                network=Network.FACEBOOK,
                scopes=tuple(provider.get_scope()),
                profiles=[self._page_profile(page, user_id=str(user["id"])) for page in pages],
            ),
        )
        return login

    def _pages(self, session: Any, user_token: str) -> list[dict[str, Any]]:
        pages: list[dict[str, Any]] = []
        url: str | None = f"{_graph()}/me/accounts"
        params: dict[str, Any] | None = {"fields": PAGE_FIELDS, "access_token": user_token}
        while url and len(pages) < MAX_PAGES:
            response = session.get(url, params=params)
            response.raise_for_status()
            body = response.json()
            pages.extend(p for p in body.get("data", []) if p.get("access_token"))
            url = (body.get("paging") or {}).get("next")
            params = None  # the "next" URL carries every parameter
        return pages

    @staticmethod
    def _page_profile(page: dict[str, Any], *, user_id: str) -> Profile:
        audience = page.get("followers_count", page.get("fan_count"))
        return Profile(
            external_id=str(page["id"]),
            display_name=page.get("name") or str(page["id"]),
            kind=AccountKind.PAGE,
            profile_url=page.get("link") or f"https://www.facebook.com/{page['id']}",
            audience_size=int(audience) if audience is not None else None,
            access_token=page["access_token"],
            extra={"user_id": user_id, "tasks": list(page.get("tasks") or [])},
        )


oauth2_login = OAuth2LoginView.adapter_view(FacebookPagesOAuth2Adapter)
oauth2_callback = OAuth2CallbackView.adapter_view(FacebookPagesOAuth2Adapter)
