"""Departments API."""

from __future__ import annotations

from advocacy.models import Role


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
