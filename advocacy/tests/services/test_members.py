"""Member administration services: each rule, and the audit entries they write."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from advocacy.models import AuditLogEntry, Membership, Role
from advocacy.services import members as services
from advocacy.tenancy import resolve_membership
from tests.factories import DepartmentFactory, MembershipFactory


def _audit(org, action):
    return list(AuditLogEntry.objects.for_org(org).filter(action=action))


def test_member_update_changes_profile_and_records_what_changed(world):
    t = world.a
    member = t.members["employee"]
    support = DepartmentFactory.create(organization=t.org, name="Support")
    services.member_update(
        actor=t.members["admin"],
        membership=member,
        role=Role.MANAGER,
        department=support,
        location="Vilnius",
        language="lt",
        job_title=" Engineer ",
        external_id="E-777",
    )
    member.refresh_from_db()
    assert (member.role, member.department, member.location, member.language) == (
        Role.MANAGER,
        support,
        "Vilnius",
        "lt",
    )
    assert (member.job_title, member.external_id) == ("Engineer", "E-777")
    [entry] = _audit(t.org, "membership.updated")
    assert entry.actor == t.admin
    assert entry.target_id == str(member.pk)
    assert entry.data["changes"]["role"] == [Role.EMPLOYEE, Role.MANAGER]
    assert entry.data["changes"]["department"][1] == {"id": support.pk, "name": "Support"}


def test_member_update_without_changes_writes_no_audit_entry(world):
    t = world.a
    member = t.members["employee"]
    services.member_update(actor=t.members["admin"], membership=member, role=member.role)
    assert _audit(t.org, "membership.updated") == []


def test_demoting_the_last_active_admin_is_refused(world):
    t = world.a
    with pytest.raises(ValidationError) as exc:
        services.member_update(
            actor=t.members["admin"], membership=t.members["admin"], role=Role.EMPLOYEE
        )
    assert "last active admin" in exc.value.message_dict["role"][0]
    assert Membership.objects.get(pk=t.members["admin"].pk).role == Role.ADMIN


def test_a_deactivated_admin_does_not_count_as_another_admin(world):
    t = world.a
    MembershipFactory.create(organization=t.org, role=Role.ADMIN, is_active=False)
    with pytest.raises(ValidationError):
        services.member_update(
            actor=t.members["admin"], membership=t.members["admin"], role=Role.HR
        )


def test_demoting_an_admin_is_fine_when_another_stays(world):
    t = world.a
    MembershipFactory.create(organization=t.org, role=Role.ADMIN)
    services.member_update(actor=t.members["admin"], membership=t.members["admin"], role=Role.HR)
    assert Membership.objects.get(pk=t.members["admin"].pk).role == Role.HR


def test_department_of_another_organization_is_refused(world):
    t = world.a
    with pytest.raises(ValidationError) as exc:
        services.member_update(
            actor=t.members["admin"],
            membership=t.members["employee"],
            department=world.b.department,
        )
    assert "department" in exc.value.message_dict


def test_duplicate_employee_id_in_the_organization_is_refused(world):
    t = world.a
    with pytest.raises(ValidationError) as exc:
        services.member_update(
            actor=t.members["admin"],
            membership=t.members["manager"],
            external_id="E-001",
        )
    assert "external_id" in exc.value.message_dict


def test_the_same_employee_id_in_another_organization_is_fine(world):
    MembershipFactory.create(organization=world.a.org, external_id="E-900")
    services.member_update(
        actor=world.b.members["admin"],
        membership=world.b.members["manager"],
        external_id="E-900",
    )
    assert Membership.objects.get(pk=world.b.members["manager"].pk).external_id == "E-900"


def test_member_of_another_organization_cannot_be_changed_through_this_one(world):
    with pytest.raises(ValueError):
        services.member_update(
            actor=world.a.members["admin"],
            membership=world.b.members["employee"],
            role=Role.ADMIN,
        )


def test_deactivation_takes_access_away_at_once_and_keeps_the_row(world):
    t = world.a
    member = t.members["employee"]
    assert resolve_membership(member.user, t.org.slug)
    services.member_deactivate(actor=t.members["admin"], membership=member)
    member.refresh_from_db()
    assert not member.is_active and member.deactivated_at is not None
    with pytest.raises(Http404):
        resolve_membership(member.user, t.org.slug)
    assert [e.target_id for e in _audit(t.org, "membership.deactivated")] == [str(member.pk)]

    services.member_reactivate(actor=t.members["admin"], membership=member)
    member.refresh_from_db()
    assert member.is_active and member.deactivated_at is None
    assert resolve_membership(member.user, t.org.slug) == member
    assert len(_audit(t.org, "membership.reactivated")) == 1


def test_deactivating_yourself_is_refused(world):
    t = world.a
    MembershipFactory.create(organization=t.org, role=Role.ADMIN)
    with pytest.raises(ValidationError, match="yourself"):
        services.member_deactivate(actor=t.members["admin"], membership=t.members["admin"])


def test_deactivating_the_last_active_admin_is_refused(world):
    t = world.a
    # Only an admin may deactivate, so the rule guards against an actor loaded as admin
    # whose role changed since (the service re-reads the admins under a lock).
    actor = t.members[Role.HR]
    actor.role = Role.ADMIN  # in memory only: the database still says HR
    with pytest.raises(ValidationError, match="last active admin"):
        services.member_deactivate(actor=actor, membership=t.members["admin"])
    assert Membership.objects.get(pk=t.members["admin"].pk).is_active
    assert _audit(t.org, "membership.deactivated") == []
