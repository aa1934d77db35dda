"""Role capabilities, defined once and used by pages and API alike.

A view names the capability it needs; ``has_capability`` decides. Nothing else in
the code base compares role strings.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .models import Membership, Role


class Capability(StrEnum):
    VIEW_FEED = "view_feed"
    SHARE_CONTENT = "share_content"
    SUGGEST_CONTENT = "suggest_content"
    VIEW_OWN_STATS = "view_own_stats"
    MANAGE_CONTENT = "manage_content"
    APPROVE_CONTENT = "approve_content"
    MANAGE_CAMPAIGNS = "manage_campaigns"
    MANAGE_REWARDS = "manage_rewards"
    VIEW_ANALYTICS = "view_analytics"
    EXPORT_ANALYTICS = "export_analytics"
    VIEW_MEMBERS = "view_members"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_DEPARTMENTS = "manage_departments"
    MANAGE_GUIDELINES = "manage_guidelines"
    MANAGE_NETWORKS = "manage_networks"
    VIEW_AUDIT_LOG = "view_audit_log"
    MANAGE_ORGANIZATION = "manage_organization"


_EMPLOYEE = frozenset(
    {
        Capability.VIEW_FEED,
        Capability.SHARE_CONTENT,
        Capability.SUGGEST_CONTENT,
        Capability.VIEW_OWN_STATS,
    }
)

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.EMPLOYEE: _EMPLOYEE,
    Role.MANAGER: _EMPLOYEE
    | {
        Capability.MANAGE_CONTENT,
        Capability.APPROVE_CONTENT,
        Capability.MANAGE_CAMPAIGNS,
        Capability.MANAGE_REWARDS,
        Capability.VIEW_ANALYTICS,
    },
    Role.HR: _EMPLOYEE
    | {
        Capability.VIEW_ANALYTICS,
        Capability.EXPORT_ANALYTICS,
        Capability.VIEW_MEMBERS,
    },
    Role.ADMIN: frozenset(Capability),
}


def capabilities_for(role: str) -> frozenset[Capability]:
    return ROLE_CAPABILITIES.get(role, frozenset())


def has_capability(membership: Membership | None, capability: Capability) -> bool:
    """True when an active membership's role grants the capability."""
    if membership is None or not membership.is_active:
        return False
    return capability in capabilities_for(membership.role)


def capability_require(
    actor: Membership | None, capability: Capability, *, organization: object = None
) -> None:
    """The permission boundary of a service: raise ``PermissionDenied`` unless ``actor`` is an
    active membership whose role grants ``capability`` (inside ``organization`` when given).

    Services call this themselves, so that a page, an API view, a task or a command cannot
    reach a write the actor's role may not do, whichever door it came through.
    """
    if not isinstance(actor, Membership):
        raise TypeError("Services take actor=<Membership>, never a bare user.")
    organization_id = getattr(organization, "pk", organization)
    if organization_id is not None and actor.organization_id != organization_id:
        raise PermissionDenied(_("Your role does not allow this."))
    if not has_capability(actor, capability):
        raise PermissionDenied(_("Your role does not allow this."))
