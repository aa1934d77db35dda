"""Members API: list with filters and cursor pages, retrieve, partial update, (de)activate."""

from __future__ import annotations

import pytest

from advocacy.models import AuditLogEntry, Membership, Role
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory


def _base(t):
    return f"/api/v1/orgs/{t.org.slug}/members/"


def test_list_filters_and_cursor_pages(world, api_client):
    t = world.a
    ona = MembershipFactory.create(
        organization=t.org, user=UserFactory.create(email="ona@example.com", name="Ona Vaitkutė")
    )
    api_client.force_login(t.user(Role.HR))
    resp = api_client.get(_base(t))
    assert resp.status_code == 200
    body = resp.json()
    assert {m["user"]["email"] for m in body["results"]} == {
        *(m.user.email for m in t.members.values()),
        "ona@example.com",
    }
    assert "count" not in body
    assert [m["id"] for m in api_client.get(_base(t), {"search": "vaitk"}).json()["results"]] == [
        ona.pk
    ]
    by_role = api_client.get(_base(t), {"role": "hr"}).json()["results"]
    assert [m["role"] for m in by_role] == ["hr"]
    by_dept = api_client.get(_base(t), {"department": t.department.pk}).json()["results"]
    assert len(by_dept) == 4
    assert api_client.get(_base(t), {"department": world.b.department.pk}).json()["results"] == []
    bad = api_client.get(_base(t), {"role": "boss"})
    assert bad.status_code == 400 and "role" in bad.json()["errors"]

    page1 = api_client.get(_base(t), {"page_size": 2}).json()
    assert len(page1["results"]) == 2 and page1["next"]
    page2 = api_client.get(page1["next"]).json()
    ids = [m["id"] for m in page1["results"] + page2["results"]]
    assert len(set(ids)) == 4 and ids == sorted(ids, reverse=True)


@pytest.mark.parametrize("extra", [1, 26])
def test_list_queries_do_not_grow(world, api_client, extra, django_assert_max_num_queries):
    t = world.a
    for _ in range(extra):
        MembershipFactory.create(
            organization=t.org, department=DepartmentFactory.create(organization=t.org)
        )
    api_client.force_login(t.admin)
    with django_assert_max_num_queries(6):
        resp = api_client.get(_base(t), {"search": "example"})
    assert resp.status_code == 200


def test_employee_and_manager_are_refused(world, api_client):
    t = world.a
    for role in (Role.EMPLOYEE, Role.MANAGER):
        api_client.force_login(t.user(role))
        assert api_client.get(_base(t)).status_code == 403


def test_hr_reads_but_cannot_change(world, api_client):
    t = world.a
    member = t.members["employee"]
    api_client.force_login(t.user(Role.HR))
    assert api_client.get(f"{_base(t)}{member.pk}/").status_code == 200
    resp = api_client.patch(f"{_base(t)}{member.pk}/", {"role": "admin"}, format="json")
    assert resp.status_code == 403
    assert "errors" in resp.json()
    assert api_client.post(f"{_base(t)}{member.pk}/deactivate/").status_code == 403


def test_partial_update(world, api_client):
    t = world.a
    member = t.members["employee"]
    api_client.force_login(t.admin)
    resp = api_client.patch(
        f"{_base(t)}{member.pk}/",
        {"role": "manager", "department": None, "job_title": "Writer", "language": "ru"},
        format="json",
    )
    assert resp.status_code == 200, resp.json()
    assert resp.json()["role"] == "manager" and resp.json()["department"] is None
    member.refresh_from_db()
    assert (member.role, member.department, member.job_title, member.language) == (
        "manager",
        None,
        "Writer",
        "ru",
    )
    assert AuditLogEntry.objects.for_org(t.org).filter(action="membership.updated").count() == 1


def test_partial_update_refusals(world, api_client):
    t = world.a
    api_client.force_login(t.admin)
    employee_url = f"{_base(t)}{t.members['employee'].pk}/"
    resp = api_client.patch(employee_url, {"department": world.b.department.pk}, format="json")
    assert resp.status_code == 400
    assert "department" in resp.json()["errors"]
    resp = api_client.patch(
        f"{_base(t)}{t.members['manager'].pk}/", {"external_id": "E-001"}, format="json"
    )
    assert resp.status_code == 400
    assert "external_id" in resp.json()["errors"]
    resp = api_client.patch(
        f"{_base(t)}{t.members['admin'].pk}/", {"role": "employee"}, format="json"
    )
    assert resp.status_code == 400
    assert "last active admin" in resp.json()["errors"]["role"][0]
    resp = api_client.patch(employee_url, {"role": "owner"}, format="json")
    assert resp.status_code == 400 and "role" in resp.json()["errors"]


def test_deactivate_and_reactivate(world, api_client):
    t = world.a
    member = t.members["employee"]
    api_client.force_login(t.admin)
    resp = api_client.post(f"{_base(t)}{member.pk}/deactivate/")
    assert resp.status_code == 200 and resp.json()["is_active"] is False
    api_client.force_login(member.user)
    assert api_client.get(f"/api/v1/orgs/{t.org.slug}/").status_code == 404
    api_client.force_login(t.admin)
    resp = api_client.post(f"{_base(t)}{member.pk}/reactivate/")
    assert resp.status_code == 200 and resp.json()["is_active"] is True
    resp = api_client.post(f"{_base(t)}{t.members['admin'].pk}/deactivate/")
    assert resp.status_code == 400
    assert resp.json()["errors"]["non_field_errors"] == ["You cannot deactivate yourself."]


def test_another_tenants_member_is_not_found(world, api_client):
    api_client.force_login(world.a.admin)
    foreign = world.b.members["employee"]
    base = _base(world.a)
    assert api_client.get(f"{base}{foreign.pk}/").status_code == 404
    assert (
        api_client.patch(f"{base}{foreign.pk}/", {"role": "admin"}, format="json").status_code
        == 404
    )
    assert api_client.post(f"{base}{foreign.pk}/deactivate/").status_code == 404
    assert Membership.objects.get(pk=foreign.pk).is_active
