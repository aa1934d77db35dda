"""The one permission boundary of guideline writes: the acting membership must belong to
the object's organization and its role must grant the capability."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from advocacy.models import Membership, Organization
from advocacy.permissions import Capability, has_capability

MANAGE = Capability.MANAGE_GUIDELINES


def require_capability(
    actor: Membership, organization: Organization | int, capability: Capability = MANAGE
) -> None:
    """``PermissionDenied`` unless ``actor`` is an active member of ``organization`` whose
    role grants ``capability`` (by default: managing guidelines)."""
    org_id = organization if isinstance(organization, int) else organization.pk
    if not isinstance(actor, Membership) or actor.organization_id != org_id:
        raise PermissionDenied(_("Your role does not allow this."))
    if not has_capability(actor, capability):
        raise PermissionDenied(_("Your role does not allow this."))
