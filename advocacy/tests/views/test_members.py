"""Members pages: list (search, filters, keyset pages, constant queries) and detail/edit."""

from __future__ import annotations

import re

import pytest

from advocacy.models import AuditLogEntry, Membership, Role
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory


def _list_url(t, **params):
    from urllib.parse import urlencode

    base = f"/o/{t.org.slug}/members/"
    return f"{base}?{urlencode(params)}" if params else base


def _emails(resp):
    return set(re.findall(r"<td>([^<>@\s]+@[^<>\s]+)</td>", resp.content.decode()))


def test_members_list_as_admin_hr_and_employee(world, client):
    t = world.a
    client.force_login(t.admin)
    resp = client.get(_list_url(t))
    assert resp.status_code == 200
    assert _emails(resp) == {m.user.email for m in t.members.values()}
    assert "Invite people" in resp.content.decode()
    client.force_login(t.user(Role.HR))
    resp = client.get(_list_url(t))
    assert resp.status_code == 200
    assert "Invite people" not in resp.content.decode()
    for role in (Role.EMPLOYEE, Role.MANAGER):
        client.force_login(t.user(role))
        assert client.get(_list_url(t)).status_code == 403


def test_members_list_search_and_filters(world, client):
    t = world.a
    support = DepartmentFactory.create(organization=t.org, name="Support")
    ona = UserFactory.create(email="ona.petraitiene@example.com", name="Ona Petraitienė")
    MembershipFactory.create(organization=t.org, user=ona, department=support)
    gone = MembershipFactory.create(
        organization=t.org, user=UserFactory.create(email="gone@example.com")
    )
    gone.is_active = False
    gone.save()
    client.force_login(t.admin)

    assert _emails(client.get(_list_url(t, q="petrait"))) == {ona.email}
    assert _emails(client.get(_list_url(t, q="ONA.PET"))) == {ona.email}
    assert _emails(client.get(_list_url(t, role=Role.HR))) == {t.user(Role.HR).email}
    assert _emails(client.get(_list_url(t, department=support.pk))) == {ona.email}
    assert _emails(client.get(_list_url(t, status="inactive"))) == {"gone@example.com"}
    assert "gone@example.com" in _emails(client.get(_list_url(t, status="all")))
    assert "gone@example.com" not in _emails(client.get(_list_url(t)))
    # Tenant B's members never show up, whatever the search.
    assert _emails(client.get(_list_url(t, q="example.com"))).isdisjoint(
        {m.user.email for m in world.b.members.values()}
    )
    # A department of another tenant is not a valid choice: the filter is ignored, not leaked.
    resp = client.get(_list_url(t, department=world.b.department.pk))
    assert resp.status_code == 200


def test_members_list_pages_by_cursor(world, client):
    t = world.a
    for i in range(60):
        MembershipFactory.create(
            organization=t.org, user=UserFactory.create(email=f"p{i:03d}@example.com")
        )
    client.force_login(t.admin)
    first = client.get(_list_url(t))
    html = first.content.decode()
    match = re.search(r'href="([^"]+)" rel="next"', html)
    assert match
    next_url = match.group(1).replace("&amp;", "&")
    assert "cursor=" in next_url
    second = client.get(next_url)
    assert len(_emails(first)) == 50
    assert len(_emails(second)) == 14
    assert _emails(first).isdisjoint(_emails(second))
    assert 'rel="next"' not in second.content.decode()


@pytest.mark.parametrize("extra", [1, 26])
def test_members_list_queries_do_not_grow_with_members(
    world, client, extra, django_assert_max_num_queries
):
    t = world.a
    for _i in range(extra):
        dept = DepartmentFactory.create(organization=t.org)
        MembershipFactory.create(organization=t.org, department=dept)
    client.force_login(t.admin)
    with django_assert_max_num_queries(8):
        assert client.get(_list_url(t, q="example")).status_code == 200


def test_member_detail_edit_as_admin(world, client):
    t = world.a
    member = t.members["employee"]
    url = f"/o/{t.org.slug}/members/{member.pk}/"
    client.force_login(t.admin)
    assert client.get(url).status_code == 200
    resp = client.post(
        url,
        {
            "action": "update",
            "role": Role.MANAGER,
            "department": t.department.pk,
            "location": "Tallinn",
            "language": "et",
            "job_title": "Sales lead",
            "external_id": "E-002",
        },
    )
    assert resp.status_code == 302
    member.refresh_from_db()
    assert (member.role, member.location, member.language, member.external_id) == (
        Role.MANAGER,
        "Tallinn",
        "et",
        "E-002",
    )
    assert AuditLogEntry.objects.for_org(t.org).filter(action="membership.updated").exists()


def _form(member, **overrides):
    data = {
        "action": "update",
        "role": member.role,
        "department": member.department_id or "",
        "location": member.location,
        "language": member.language,
        "job_title": member.job_title,
        "external_id": member.external_id,
    }
    data.update(overrides)
    return data


def test_member_detail_refusals_show_form_errors(world, client):
    t = world.a
    client.force_login(t.admin)
    admin = t.members["admin"]
    manager = t.members["manager"]
    admin_url = f"/o/{t.org.slug}/members/{admin.pk}/"
    manager_url = f"/o/{t.org.slug}/members/{manager.pk}/"

    resp = client.post(admin_url, _form(admin, role=Role.EMPLOYEE))
    assert resp.status_code == 400
    assert "last active admin" in resp.content.decode()
    resp = client.post(admin_url, {"action": "deactivate"})
    assert resp.status_code == 400
    assert "cannot deactivate yourself" in resp.content.decode()
    resp = client.post(manager_url, _form(manager, department=world.b.department.pk))
    assert resp.status_code == 400
    assert "department" in resp.context["form"].errors
    resp = client.post(manager_url, _form(manager, external_id="E-001"))
    assert resp.status_code == 400
    assert "already has this employee ID" in resp.content.decode()
    admin.refresh_from_db()
    manager.refresh_from_db()
    assert admin.role == Role.ADMIN and admin.is_active
    assert manager.external_id == "E-manager" and manager.department == t.department


def test_deactivate_and_reactivate_from_the_page(world, client):
    t = world.a
    member = t.members["employee"]
    url = f"/o/{t.org.slug}/members/{member.pk}/"
    client.force_login(t.admin)
    assert client.post(url, {"action": "deactivate"}).status_code == 302
    client.force_login(member.user)
    assert client.get(f"/o/{t.org.slug}/").status_code == 404
    client.force_login(t.admin)
    assert "Reactivate" in client.get(url).content.decode()
    assert client.post(url, {"action": "reactivate"}).status_code == 302
    client.force_login(member.user)
    assert client.get(f"/o/{t.org.slug}/").status_code == 200


def test_member_detail_hr_reads_only_employee_refused(world, client):
    t = world.a
    member = t.members["employee"]
    url = f"/o/{t.org.slug}/members/{member.pk}/"
    client.force_login(t.user(Role.HR))
    resp = client.get(url)
    assert resp.status_code == 200
    assert "Save changes" not in resp.content.decode()
    assert client.post(url, _form(member, role=Role.ADMIN)).status_code == 403
    assert client.post(url, {"action": "deactivate"}).status_code == 403
    assert Membership.objects.get(pk=member.pk).role == Role.EMPLOYEE
    client.force_login(t.employee)
    assert client.get(url).status_code == 403


def test_member_of_another_tenant_is_not_found(world, client):
    client.force_login(world.a.admin)
    foreign = world.b.members["employee"]
    url = f"/o/{world.a.org.slug}/members/{foreign.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "deactivate"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active
