"""Template context every page needs: the current organization and the role's navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .navigation import navigation_for
from .selectors import memberships_of_user


def chorus(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    ctx: dict[str, Any] = {
        "current_membership": membership,
        "current_organization": None,
        "nav": [],
    }
    if membership is not None:
        ctx["current_organization"] = membership.organization
        ctx["nav"] = navigation_for(membership, request.path)
    if user is not None and user.is_authenticated:
        ctx["my_memberships"] = memberships_of_user(user=user)
    return ctx
