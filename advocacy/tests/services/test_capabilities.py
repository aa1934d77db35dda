"""Every member, invitation and department service checks the actor's capability itself:
a lower role gets ``PermissionDenied`` from the service, whatever door it came through,
and a bare ``User`` is refused outright."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from advocacy.models import AuditLogEntry, Invitation, Membership, Role
from advocacy.services import departments, invitation_rows, invitations, members

LOWER_ROLES = [Role.EMPLOYEE, Role.MANAGER, Role.HR]


def _invitation(t: Any) -> Invitation:
    return invitations.invitation_create(actor=t.members["admin"], email="someone@example.com")


CALLS: dict[str, Callable[[Any, Membership], Any]] = {
    "member_update": lambda t, actor: members.member_update(
        actor=actor, membership=t.members["employee"], role=Role.ADMIN
    ),
    "member_deactivate": lambda t, actor: members.member_deactivate(
        actor=actor, membership=t.members["employee"]
    ),
    "member_reactivate": lambda t, actor: members.member_reactivate(
        actor=actor, membership=t.members["employee"]
    ),
    "department_create": lambda t, actor: departments.department_create(actor=actor, name="New"),
    "department_rename": lambda t, actor: departments.department_rename(
        actor=actor, department=t.department, name="Renamed"
    ),
    "department_delete": lambda t, actor: departments.department_delete(
        actor=actor, department=t.department
    ),
    "invitation_create": lambda t, actor: invitations.invitation_create(
        actor=actor, email="new@example.com"
    ),
    "invitations_create": lambda t, actor: invitations.invitations_create(
        actor=actor, rows=[invitation_rows.InvitationRow(email="new@example.com")]
    ),
    "invitation_revoke": lambda t, actor: invitations.invitation_revoke(
        actor=actor, invitation=_invitation(t)
    ),
    "invitation_resend": lambda t, actor: invitations.invitation_resend(
        actor=actor, invitation=_invitation(t)
    ),
}


@pytest.mark.parametrize("role", LOWER_ROLES)
@pytest.mark.parametrize("service", sorted(CALLS))
def test_a_lower_role_is_refused_by_the_service_itself(world, service, role):
    t = world.a
    before = AuditLogEntry.objects.for_org(t.org).count()
    if service in ("invitation_revoke", "invitation_resend"):
        before += 1  # the admin's invitation the call is made on
    with pytest.raises(PermissionDenied):
        CALLS[service](t, t.members[role])
    assert AuditLogEntry.objects.for_org(t.org).count() == before
    assert Membership.objects.get(pk=t.members["employee"].pk).role == Role.EMPLOYEE


@pytest.mark.parametrize("service", sorted(CALLS))
def test_a_deactivated_admin_is_refused(world, service):
    t = world.a
    actor = t.members["admin"]
    actor.is_active = False  # as loaded before the deactivation took effect
    with pytest.raises(PermissionDenied):
        CALLS[service](t, actor)


@pytest.mark.parametrize("service", sorted(CALLS))
def test_a_bare_user_is_not_an_actor(world, service):
    with pytest.raises(TypeError, match="Membership"):
        CALLS[service](world.a, world.a.admin)
