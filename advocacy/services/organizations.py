"""Creating a tenant. The creator has no membership yet, so this one service takes the
``User`` who signs up; it makes them the organization's first admin."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from ..models import Membership, Organization, Role, User
from .audit import audit_log_record


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
