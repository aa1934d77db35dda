"""Reads of the core that pages, API and tasks share."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Membership, User


def memberships_of_user(*, user: User) -> QuerySet[Membership]:
    """The organizations a user may switch between."""
    return (
        Membership.objects.filter(user=user, is_active=True, organization__is_active=True)
        .select_related("organization")
        .order_by("organization__name")
    )
