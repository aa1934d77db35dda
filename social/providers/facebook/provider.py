"""Facebook Login for the pages a person manages (personal profiles cannot be posted to)."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider

from .views import FacebookPagesOAuth2Adapter

FACEBOOK_PAGE_SCOPES = [
    "pages_show_list",
    "pages_manage_posts",
    "pages_read_engagement",
    "read_insights",
]


class FacebookPagesAccount(ProviderAccount):
    def to_str(self) -> str:
        return self.account.extra_data.get("name") or super().to_str()


class FacebookPagesProvider(OAuth2Provider):
    """The Facebook user is the login; the accounts Chorus keeps are that user's pages."""

    id = "facebook"
    name = "Facebook"
    account_class = FacebookPagesAccount
    oauth2_adapter_class = FacebookPagesOAuth2Adapter

    def get_default_scope(self) -> list[str]:
        return list(FACEBOOK_PAGE_SCOPES)

    def extract_uid(self, data: dict[str, Any]) -> str:
        return str(data["id"])

    def extract_extra_data(self, data: dict[str, Any]) -> dict[str, Any]:
        # The user's public fields only; page tokens never reach extra_data (plain text).
        return {k: data[k] for k in ("id", "name") if k in data}

    def extract_common_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"name": data.get("name")}


provider_classes = [FacebookPagesProvider]
