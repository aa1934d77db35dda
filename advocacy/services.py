"""Writes of the core. Every administrative change writes the audit log."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.text import slugify

from .models import AuditLogEntry, Membership, Organization, Role, User


def audit_log_record(
    *,
    organization: Organization,
    actor: User | None,
    action: str,
    target: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditLogEntry:
    return AuditLogEntry.objects.create(
        organization=organization,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.model_name if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )


def organization_unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "org"
    slug, n = base, 1
    while Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def organization_create(
    *,
    creator: User,
    name: str,
    default_language: str = "en",
    time_zone: str = "UTC",
    slug: str | None = None,
) -> Organization:
    """A new tenant with its creator as its first admin."""
    org = Organization.objects.create(
        name=name.strip(),
        slug=slug or organization_unique_slug(name),
        default_language=default_language,
        time_zone=time_zone,
    )
    membership = Membership.objects.create(organization=org, user=creator, role=Role.ADMIN)
    audit_log_record(
        organization=org,
        actor=creator,
        action="organization.created",
        target=org,
        data={"name": org.name},
    )
    audit_log_record(
        organization=org,
        actor=creator,
        action="membership.created",
        target=membership,
        data={"email": creator.email, "role": Role.ADMIN},
    )
    return org
