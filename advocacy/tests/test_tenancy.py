from __future__ import annotations

import pytest
from django.http import Http404

from advocacy.models import Department
from advocacy.tenancy import OrgPageView, access_by_id, resolve_membership


def test_non_member_and_unknown_slug_look_the_same(world):
    with pytest.raises(Http404) as foreign:
        resolve_membership(world.b.admin, world.a.org.slug)
    with pytest.raises(Http404) as unknown:
        resolve_membership(world.b.admin, "no-such-org")
    assert str(foreign.value) == str(unknown.value)


def test_deactivated_member_loses_access(world):
    m = world.a.members["employee"]
    m.is_active = False
    m.save()
    with pytest.raises(Http404):
        resolve_membership(m.user, world.a.org.slug)


def test_access_by_id_refuses_other_tenants_row_like_a_missing_one(world):
    own = access_by_id(Department, organization=world.a.org, pk=world.a.department.pk)
    assert own == world.a.department
    with pytest.raises(Http404):
        access_by_id(Department, organization=world.a.org, pk=world.b.department.pk)
    with pytest.raises(Http404):
        access_by_id(Department, organization=world.a.org, pk="not-a-number")


def test_scoped_base_refuses_overriding_get_queryset():
    with pytest.raises(TypeError, match="safely_get_queryset"):

        class Leaky(OrgPageView):
            def get_queryset(self):
                return Department.objects.all()


def test_org_home_for_member_and_404_for_outsider(world, client, password):
    client.login(email=world.a.employee.email, password=password)
    assert client.get(f"/o/{world.a.org.slug}/").status_code == 200
    assert client.get(f"/o/{world.b.org.slug}/").status_code == 404
    assert client.get("/o/nope/").status_code == 404


def test_anonymous_is_sent_to_login(client, world):
    resp = client.get(f"/o/{world.a.org.slug}/")
    assert resp.status_code == 302
    assert "/accounts/login/" in resp["Location"]
