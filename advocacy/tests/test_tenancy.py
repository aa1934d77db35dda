"""Tenant resolution, access by id, and the page and API bases that cannot be bypassed."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404
from rest_framework import permissions

from advocacy.api.base import HasActionCapability, OrgScopedViewSet
from advocacy.models import Department, Organization
from advocacy.tenancy import (
    OrgPageView,
    access_by_id,
    resolve_membership,
    scope_to_organization,
)


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


# --- The bases cannot be bypassed ---------------------------------------------------


@pytest.mark.parametrize("name", ["get_object", "dispatch", "resolve_org"])
def test_page_base_refuses_overrides_that_skip_scoping_or_the_capability(name):
    with pytest.raises(TypeError, match=name):
        type("Leaky", (OrgPageView,), {name: lambda self, *a, **kw: None})


@pytest.mark.parametrize(
    "name", ["get_queryset", "get_object", "dispatch", "get_permissions", "check_permissions"]
)
def test_api_base_refuses_overrides_that_skip_scoping_or_the_capability(name):
    with pytest.raises(TypeError, match=name):
        type("Leaky", (OrgScopedViewSet,), {name: lambda self, *a, **kw: None})


def test_api_base_refuses_permission_classes_without_the_capability_check():
    with pytest.raises(TypeError, match="HasActionCapability"):
        type("Open", (OrgScopedViewSet,), {"permission_classes": [permissions.AllowAny]})
    with pytest.raises(TypeError, match="HasActionCapability"):
        type("Empty", (OrgScopedViewSet,), {"permission_classes": []})


def test_api_base_accepts_permission_classes_that_keep_the_capability_check():
    class Stricter(permissions.BasePermission):
        def has_permission(self, request, view):
            return True

    cls: Any = type(
        "Fine",
        (OrgScopedViewSet,),
        {"permission_classes": [permissions.IsAuthenticated, HasActionCapability, Stricter]},
    )
    assert HasActionCapability in cls.permission_classes


def test_a_page_that_ignores_its_queryset_still_sees_only_its_tenant(world, rf):
    class Ignoring(OrgPageView):
        model = Department

        def safely_get_queryset(self, queryset):
            return Department.objects.all()  # the bug: the scoped argument is ignored

    view = Ignoring()
    view.setup(rf.get("/"), org_slug=world.a.org.slug)
    view.organization = world.a.org
    rows = list(view.get_queryset())
    assert world.b.department not in rows and world.a.department in rows
    assert {d.organization_id for d in rows} == {world.a.org.pk}


def test_an_api_viewset_that_ignores_its_queryset_still_sees_only_its_tenant(world):
    class Ignoring(OrgScopedViewSet):
        model = Department
        capabilities = {"list": None}

        def safely_get_queryset(self, queryset):
            return Department.objects.order_by("pk")

    view = Ignoring()
    view.organization = world.a.org
    rows = list(view.get_queryset())
    assert rows and {d.organization_id for d in rows} == {world.a.org.pk}


def test_scoping_refuses_a_model_that_is_not_a_tenant_model(world):
    with pytest.raises(TypeError, match="not a tenant model"):
        scope_to_organization(Organization.objects.all(), world.a.org)


def test_guidelines_pages_load_their_objects_through_the_base():
    """GuidelinesPageView no longer overrides dispatch: a foreign id is still a 404 for
    every method, before the handler (via ``load_objects``)."""
    from guidelines.views import GuidelinesPageView

    assert "dispatch" not in GuidelinesPageView.__dict__
    assert "load_objects" in GuidelinesPageView.__dict__
