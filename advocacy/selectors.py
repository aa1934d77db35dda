"""Reads of the core that pages, API and tasks share."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Model, Q, QuerySet
from django.utils.dateparse import parse_datetime

from .models import (
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


# --- Keyset pagination for pages ----------------------------------------------------
#
# Hot lists page by the position of their last row, never by OFFSET and never with a
# COUNT(*): the cost of a page does not grow with the tenant.


@dataclass
class KeysetPage:
    items: list[Any]
    next_cursor: str | None
    is_first: bool

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def _cursor_encode(values: list[Any]) -> str:
    raw = json.dumps(
        [v.isoformat() if isinstance(v, datetime) else v for v in values], separators=(",", ":")
    )
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _cursor_decode(cursor: str, fields: list[str], model: type[Model]) -> list[Any] | None:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(values, list) or len(values) != len(fields):
        return None
    decoded = []
    for name, value in zip(fields, values, strict=True):
        model_field = model._meta.get_field(name)
        if model_field.get_internal_type() == "DateTimeField":
            parsed = parse_datetime(value) if isinstance(value, str) else None
            if parsed is None:
                return None
            decoded.append(parsed)
        elif isinstance(value, int) and not isinstance(value, bool):
            decoded.append(value)
        else:
            return None
    return decoded


def keyset_page(
    queryset: QuerySet, *, order: tuple[str, ...], cursor: str | None, size: int
) -> KeysetPage:
    """One page of ``queryset`` in descending ``order`` (e.g. ``("-created_at", "-id")``)
    after ``cursor``. An unreadable cursor starts from the top."""
    fields = [o.lstrip("-") for o in order]
    if not all(o.startswith("-") for o in order):
        raise ValueError("keyset_page pages in descending order only.")
    values = _cursor_decode(cursor, fields, queryset.model) if cursor else None
    qs = queryset.order_by(*order)
    if values is not None:
        condition = Q()
        for i, name in enumerate(fields):
            step = Q(**{f"{name}__lt": values[i]})
            for prev, prev_value in zip(fields[:i], values[:i], strict=True):
                step &= Q(**{prev: prev_value})
            condition |= step
        qs = qs.filter(condition)
    rows = list(qs[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = _cursor_encode([getattr(last, name) for name in fields])
    return KeysetPage(items=rows, next_cursor=next_cursor, is_first=values is None)


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
    """Invitations nobody has answered or withdrawn (pending and expired), newest first."""
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
