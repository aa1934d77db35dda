"""The organization's choices for its library (one row per organization, created lazily)."""

from __future__ import annotations

from django.conf import settings

from advocacy.models import Membership, Organization
from advocacy.permissions import Capability

from ..models import ContentLibrarySettings
from .base import audit_record, require


def library_settings_for(organization: Organization) -> ContentLibrarySettings:
    row = ContentLibrarySettings.objects.filter(organization=organization).first()
    if row is None:
        row, _created = ContentLibrarySettings.objects.get_or_create(
            organization=organization,
            defaults={"reapproval_on_edit": settings.CONTENT_REAPPROVAL_ON_EDIT_DEFAULT},
        )
    return row


def library_settings_update(
    *,
    actor: Membership,
    reapproval_on_edit: bool | None = None,
    require_second_reviewer: bool | None = None,
) -> ContentLibrarySettings:
    """Change the choices given (``None`` keeps one as it is)."""
    require(actor, Capability.APPROVE_CONTENT, actor.organization)
    row = library_settings_for(actor.organization)
    wanted = {
        "reapproval_on_edit": reapproval_on_edit,
        "require_second_reviewer": require_second_reviewer,
    }
    changed = {k: v for k, v in wanted.items() if v is not None and getattr(row, k) != bool(v)}
    if changed:
        for k, v in changed.items():
            setattr(row, k, bool(v))
        row.save(update_fields=sorted(changed))
        audit_record(actor, "content_settings.changed", row, changed)
    return row
