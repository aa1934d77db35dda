"""Template context every page needs: the current organization, the role's navigation,
the organizations to switch to and the interface languages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from .forms.account import LANGUAGE_NAMES_LOCAL
from .navigation import navigation_for
from .selectors import memberships_of_user


def chorus(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    # An organization's page runs in a regional variant ("en-gb", advocacy.localization).
    current_language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    ctx: dict[str, Any] = {
        "current_membership": membership,
        "current_organization": None,
        "nav": [],
        "interface_languages": [
            {
                "code": code,
                "name": LANGUAGE_NAMES_LOCAL.get(code, str(name)),
                "current": code == current_language,
            }
            for code, name in settings.LANGUAGES
        ],
    }
    if membership is not None:
        ctx["current_organization"] = membership.organization
        ctx["nav"] = navigation_for(membership, request.path)
    if user is not None and user.is_authenticated:
        ctx["my_memberships"] = memberships_of_user(user=user)
    return ctx
