"""Reads of the core that pages, API and tasks share."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from .models import (
    ApiToken,
    AuditLogEntry,
    Department,
    Invitation,
    Membership,
    Organization,
    User,
    token_hash,
)
from .tenancy import access_by_id


def memberships_of_user(*, user: User) -> QuerySet[Membership]:
    """The organizations a user may switch between."""
    return (
        Membership.objects.filter(user=user, is_active=True, organization__is_active=True)
        .select_related("organization")
        .order_by("organization__name")
    )


# --- Members, departments, invitations, audit log --------------------------------

MEMBER_STATUSES = ("active", "inactive", "all")


def members_search(
    *,
    organization: Organization,
    search: str = "",
    role: str = "",
    department_id: int | None = None,
    status: str = "active",
) -> QuerySet[Membership]:
    """Members of one organization, filtered; newest first.

    The search is a case-insensitive substring of the name or e-mail. On PostgreSQL the
    trigram indexes of migration 0003 serve it (``UPPER(col::text) LIKE``); elsewhere it
    is the same query as a scan.
    """
    qs = Membership.objects.for_org(organization).select_related("user", "department")
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "inactive":
        qs = qs.filter(is_active=False)
    if role:
        qs = qs.filter(role=role)
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    search = (search or "").strip()
    if search:
        qs = qs.filter(Q(user__name__icontains=search) | Q(user__email__icontains=search))
    return qs.order_by("-id")


def member_get(*, organization: Organization, member_id: Any) -> Membership:
    return access_by_id(
        Membership,
        organization=organization,
        pk=member_id,
        queryset=Membership.objects.select_related("user", "department"),
    )


def departments_of(*, organization: Organization) -> QuerySet[Department]:
    return Department.objects.for_org(organization).order_by("name")


def departments_with_member_counts(*, organization: Organization) -> QuerySet[Department]:
    return departments_of(organization=organization).annotate(
        member_count=Count("members", filter=Q(members__is_active=True))
    )


def invitations_open(*, organization: Organization) -> QuerySet[Invitation]:
    """Invitations nobody has answered or withdrawn (pending and expired), newest first.
    ``invitation_status`` (services) says which of the two each one is."""
    return (
        Invitation.objects.for_org(organization)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("department", "invited_by")
        .order_by("-id")
    )


def invitation_by_token(raw_token: str) -> Invitation | None:
    """The invitation a link points to. The token is the secret; no organization in the URL."""
    if not raw_token or len(raw_token) > 200:
        return None
    return (
        Invitation.objects.select_related("organization", "department")
        .filter(token_hash=token_hash(raw_token))
        .first()
    )


def audit_log_entries(*, organization: Organization, action: str = "") -> QuerySet[AuditLogEntry]:
    qs = AuditLogEntry.objects.for_org(organization).select_related("actor")
    if action:
        qs = qs.filter(action=action)
    return qs.order_by("-created_at", "-id")


def api_tokens_of_user(*, user: User) -> QuerySet[ApiToken]:
    """The user's active tokens, newest first."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by(
        "-created_at", "-id"
    )
