"""The audit log's one writer: every administrative change of every app goes through here."""

from __future__ import annotations

from typing import Any

from ..models import AuditLogEntry, Organization, User


def audit_log_record(
    *,
    organization: Organization,
    actor: User | None,
    action: str,
    target: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditLogEntry:
    """One entry; ``actor`` is the person (``None`` for the system, e.g. a periodic sweep)."""
    return AuditLogEntry.objects.create(
        organization=organization,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.model_name if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )


def check_same_org(organization: Organization, *objects: Any) -> None:
    """A programming error, not a user's: a service was handed a row of another tenant."""
    for obj in objects:
        if obj is not None and obj.organization_id != organization.pk:
            raise ValueError(f"{obj!r} does not belong to organization {organization.pk}.")
