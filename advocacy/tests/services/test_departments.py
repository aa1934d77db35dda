"""Department services: create, rename, delete, with the audit log."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from advocacy.models import AuditLogEntry, Department, Membership
from advocacy.services import departments as services
from tests.factories import DepartmentFactory


def test_create_rename_delete_with_audit(world):
    t = world.a
    dept = services.department_create(actor=t.members["admin"], name="  Marketing ")
    assert dept.name == "Marketing"
    services.department_rename(actor=t.members["admin"], department=dept, name="Brand")
    dept.refresh_from_db()
    assert dept.name == "Brand"
    services.department_delete(actor=t.members["admin"], department=dept)
    assert not Department.objects.filter(pk=dept.pk).exists()
    actions = list(
        AuditLogEntry.objects.for_org(t.org)
        .filter(action__startswith="department.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["department.created", "department.renamed", "department.deleted"]


def test_names_are_unique_per_organization_with_a_friendly_error(world):
    with pytest.raises(ValidationError) as exc:
        services.department_create(actor=world.a.members["admin"], name="sales")
    assert "already a department" in exc.value.message_dict["name"][0]
    # Another organization's "Sales" is no obstacle to renaming.
    other = DepartmentFactory.create(organization=world.a.org, name="Ops")
    with pytest.raises(ValidationError):
        services.department_rename(actor=world.a.members["admin"], department=other, name="Sales")
    services.department_create(actor=world.b.members["admin"], name="Ops")


def test_deleting_a_department_keeps_its_members(world):
    t = world.a
    services.department_delete(actor=t.members["admin"], department=t.department)
    members = Membership.objects.for_org(t.org)
    assert members.count() == 4
    assert all(m.department_id is None for m in members)
    assert all(m.is_active for m in members)
