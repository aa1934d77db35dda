"""Instagram professional accounts through "Instagram API with Instagram Login"."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.providers.instagram.provider import InstagramProvider

from .views import InstagramLoginOAuth2Adapter

INSTAGRAM_SCOPES = [
    "instagram_business_basic",
    "instagram_business_content_publish",
    "instagram_business_manage_insights",
]


class InstagramLoginProvider(InstagramProvider):
    """allauth's ``instagram`` provider, moved from retired Basic Display to Instagram Login."""

    id = "instagram"
    name = "Instagram"
    oauth2_adapter_class = InstagramLoginOAuth2Adapter

    def get_default_scope(self) -> list[str]:
        return list(INSTAGRAM_SCOPES)

    def extract_uid(self, data: dict[str, Any]) -> str:
        return str(data.get("user_id") or data["id"])

    def extract_extra_data(self, data: dict[str, Any]) -> dict[str, Any]:
        # Public profile fields only: extra_data is stored in plain text by allauth.
        keep = ("id", "user_id", "username", "name", "account_type", "profile_picture_url")
        return {k: data[k] for k in keep if k in data}

    def extract_common_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"username": data.get("username"), "name": data.get("name")}


provider_classes = [InstagramLoginProvider]
