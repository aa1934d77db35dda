"""What every content service shares: the capability check on the actor, and the
records a change leaves (the item's revision history and the organization's audit log)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from advocacy.models import Membership, Organization
from advocacy.permissions import Capability, has_capability
from advocacy.services import audit_log_record

from ..models import ContentItem, ContentItemRevision


def require(actor: Membership | None, capability: Capability, organization: Organization) -> None:
    """Refuse an actor of another organization, or whose role lacks ``capability``."""
    if actor is None or actor.organization_id != organization.pk:
        raise PermissionDenied(_("Your role does not allow this."))
    if not has_capability(actor, capability):
        raise PermissionDenied(_("Your role does not allow this."))


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value


def revision_record(
    *,
    item: ContentItem,
    actor: Membership | None,
    action: str,
    changes: dict | None = None,
    note: str = "",
) -> ContentItemRevision:
    return ContentItemRevision.objects.create(
        organization_id=item.organization_id,
        item=item,
        actor=actor.user if actor is not None else None,
        action=action,
        changes={k: [_json(b), _json(a)] for k, (b, a) in (changes or {}).items()},
        note=note[:500],
    )


def audit_record(
    actor: Membership | None, action: str, target: Any, data: dict | None = None
) -> None:
    audit_log_record(
        organization=target.organization,
        actor=actor.user if actor is not None else None,
        action=action,
        target=target,
        data=data or {},
    )
