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
    *, actor: Membership, reapproval_on_edit: bool
) -> ContentLibrarySettings:
    require(actor, Capability.APPROVE_CONTENT, actor.organization)
    row = library_settings_for(actor.organization)
    if row.reapproval_on_edit != reapproval_on_edit:
        row.reapproval_on_edit = reapproval_on_edit
        row.save(update_fields=["reapproval_on_edit"])
        audit_record(
            actor, "content_settings.changed", row, {"reapproval_on_edit": reapproval_on_edit}
        )
    return row
