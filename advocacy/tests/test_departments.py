"""Departments: services, page and API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from advocacy import services
from advocacy.models import AuditLogEntry, Department, Membership, Role
from tests.factories import DepartmentFactory


def test_create_rename_delete_with_audit(world):
    t = world.a
    dept = services.department_create(organization=t.org, actor=t.admin, name="  Marketing ")
    assert dept.name == "Marketing"
    services.department_rename(organization=t.org, actor=t.admin, department=dept, name="Brand")
    dept.refresh_from_db()
    assert dept.name == "Brand"
    services.department_delete(organization=t.org, actor=t.admin, department=dept)
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
        services.department_create(organization=world.a.org, actor=world.a.admin, name="sales")
    assert "already a department" in exc.value.message_dict["name"][0]
    # Another organization's "Sales" is no obstacle to renaming.
    other = DepartmentFactory(organization=world.a.org, name="Ops")
    with pytest.raises(ValidationError):
        services.department_rename(
            organization=world.a.org, actor=world.a.admin, department=other, name="Sales"
        )
    services.department_create(organization=world.b.org, actor=world.b.admin, name="Ops")


def test_deleting_a_department_keeps_its_members(world):
    t = world.a
    services.department_delete(organization=t.org, actor=t.admin, department=t.department)
    members = Membership.objects.for_org(t.org)
    assert members.count() == 4
    assert all(m.department_id is None for m in members)
    assert all(m.is_active for m in members)


def test_departments_page_as_admin_and_refused_to_others(
    world, client, django_assert_max_num_queries
):
    t = world.a
    for i in range(20):
        DepartmentFactory(organization=t.org, name=f"Team {i:02d}")
    client.force_login(t.admin)
    url = f"/o/{t.org.slug}/departments/"
    with django_assert_max_num_queries(8):
        resp = client.get(url)
    assert resp.status_code == 200
    assert "Team 07" in resp.content.decode()
    for role in (Role.HR, Role.MANAGER, Role.EMPLOYEE):
        client.force_login(t.user(role))
        assert client.get(url).status_code == 403


def test_departments_page_create_rename_delete(world, client):
    t = world.a
    client.force_login(t.admin)
    url = f"/o/{t.org.slug}/departments/"
    resp = client.post(url, {"name": "Engineering"})
    assert resp.status_code == 302
    dept = Department.objects.for_org(t.org).get(name="Engineering")
    resp = client.post(url, {"name": "SALES"})
    assert resp.status_code == 400
    assert "already a department" in resp.content.decode()

    detail = f"/o/{t.org.slug}/departments/{dept.pk}/"
    assert client.get(detail).status_code == 200
    assert client.post(detail, {"action": "rename", "name": "R&D"}).status_code == 302
    dept.refresh_from_db()
    assert dept.name == "R&D"
    assert client.post(detail, {"action": "delete"}).status_code == 302
    assert not Department.objects.filter(pk=dept.pk).exists()
    # Another tenant's department: not found.
    foreign = f"/o/{t.org.slug}/departments/{world.b.department.pk}/"
    assert client.get(foreign).status_code == 404
    assert client.post(foreign, {"action": "delete"}).status_code == 404
    assert Department.objects.filter(pk=world.b.department.pk).exists()


def test_departments_api_crud(world, api_client, django_assert_max_num_queries):
    t = world.a
    api_client.force_login(t.admin)
    base = f"/api/v1/orgs/{t.org.slug}/departments/"
    with django_assert_max_num_queries(6):
        resp = api_client.get(base)
    assert resp.status_code == 200
    assert [d["name"] for d in resp.json()] == ["Sales"]

    resp = api_client.post(base, {"name": "Legal"}, format="json")
    assert resp.status_code == 201
    dept_id = resp.json()["id"]
    resp = api_client.post(base, {"name": "legal"}, format="json")
    assert resp.status_code == 400
    assert "name" in resp.json()["errors"]
    resp = api_client.patch(f"{base}{dept_id}/", {"name": "Compliance"}, format="json")
    assert resp.status_code == 200 and resp.json()["name"] == "Compliance"
    assert api_client.get(f"{base}{dept_id}/").json()["name"] == "Compliance"
    assert api_client.delete(f"{base}{dept_id}/").status_code == 204
    assert api_client.get(f"{base}{world.b.department.pk}/").status_code == 404
    assert api_client.delete(f"{base}{world.b.department.pk}/").status_code == 404


def test_departments_api_hr_reads_employee_refused(world, api_client):
    t = world.a
    base = f"/api/v1/orgs/{t.org.slug}/departments/"
    api_client.force_login(t.user(Role.HR))
    assert api_client.get(base).status_code == 200
    assert api_client.post(base, {"name": "X"}, format="json").status_code == 403
    api_client.force_login(t.employee)
    assert api_client.get(base).status_code == 403
