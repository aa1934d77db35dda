"""Department pages."""

from __future__ import annotations

from advocacy.models import Department, Role
from tests.factories import DepartmentFactory


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
