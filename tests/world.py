"""A test world of two tenants whose names and identifiers collide on purpose.

Both organizations are called "Acme", have a department "Sales", a member with
external id "E-001" and a pending invitation for ``same@example.com``; only the
slug differs (it is the tenant's address). Every role exists in both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from advocacy.models import Department, Invitation, Membership, Organization, Role, User

from .factories import (
    DepartmentFactory,
    InvitationFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)


@dataclass
class Tenant:
    org: Organization
    department: Department
    members: dict[str, Membership] = field(default_factory=dict)
    invitation: Invitation | None = None

    def user(self, role: str) -> User:
        return self.members[role].user

    @property
    def admin(self) -> User:
        return self.user(Role.ADMIN)

    @property
    def employee(self) -> User:
        return self.user(Role.EMPLOYEE)


@dataclass
class World:
    a: Tenant
    b: Tenant


def build_tenant(slug: str, label: str) -> Tenant:
    org = OrganizationFactory.create(slug=slug, name="Acme", default_language="en")
    dept = DepartmentFactory.create(organization=org, name="Sales")
    t = Tenant(org=org, department=dept)
    for role in Role.values:
        user = UserFactory.create(
            email=f"{role}.{label}@example.com", name=f"{role.title()} {label.upper()}"
        )
        t.members[role] = MembershipFactory.create(
            organization=org,
            user=user,
            role=role,
            department=dept,
            external_id="E-001" if role == Role.EMPLOYEE else f"E-{role}",
        )
    t.invitation = InvitationFactory.create(
        organization=org, email="same@example.com", department=dept
    )
    return t


def build_world() -> World:
    return World(a=build_tenant("acme", "a"), b=build_tenant("acme-eu", "b"))
