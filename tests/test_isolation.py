"""Tenant isolation, proven by walking every route.

Every URL pattern under ``/o/<org_slug>/`` and ``/api/v1/orgs/<org_slug>/`` is found
by walking the resolver (nothing is listed here), filled with tenant A's objects from
the apps' ``<app>/tests/isolation.py`` registries and requested as tenant B's admin:
with A's slug, and with B's own slug but A's object ids. Every method must answer 404
(405 for a method the route lacks) and tenant A's rows must not change.

The self-checks at the bottom break the scoping in-process and make sure the checking
function then reports leaks, so this file cannot pass by checking nothing.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path
from rest_framework import viewsets
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.urlpatterns import format_suffix_patterns

import advocacy.tenancy
from advocacy import urls as project_urls
from advocacy.api.base import OrgScopedViewSet
from advocacy.models import Department, Membership, Organization
from advocacy.tenancy import OrgPageView

from .isolation_support import (
    Route,
    check_route_isolation,
    collect_kwarg_factories,
    discover_org_routes,
    tenant_snapshot,
    unknown_kwarg_message,
)

ROUTES = discover_org_routes()


def _route(routes: list[Route], name: str) -> Route:
    found = [r for r in routes if r.name == name]
    assert found, f"no route named {name!r} under the organization prefixes"
    return found[0]


# --- The walker ------------------------------------------------------------------


def test_walker_finds_page_and_api_routes():
    kinds = {r.kind for r in ROUTES}
    assert kinds == {"page", "api"}
    assert _route(ROUTES, "org_home").template == "/o/<org_slug>/"
    assert _route(ROUTES, "api_org_detail").template == "/api/v1/orgs/<org_slug>/"


def test_isolation_registries_do_not_conflict():
    registry = collect_kwarg_factories()
    assert not registry.conflicts, "\n".join(registry.conflicts)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.label)
def test_route_is_isolated_between_tenants(route: Route, world) -> None:
    registry = collect_kwarg_factories()
    unknown = [k for k in route.params if k not in registry.factories]
    if unknown:
        pytest.fail(unknown_kwarg_message(route, unknown[0]), pytrace=False)
    leaks = check_route_isolation(route, world, registry)
    assert not leaks, "tenant isolation leaks:\n" + "\n".join(leaks)


# --- Discovery on a synthetic URLconf ----------------------------------------------


def _noop(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse()


class _ThingViewSet(viewsets.ViewSet):
    def list(self, request: Any, **kwargs: Any) -> Response:
        return Response([])

    def retrieve(self, request: Any, **kwargs: Any) -> Response:
        return Response({})


def test_discovery_walks_nested_includes_routers_and_skips_format_suffixes():
    router = SimpleRouter()
    router.register("things", _ThingViewSet, basename="thing")
    api_org = [*router.urls, *format_suffix_patterns([path("x/<int:x_id>/", _noop, name="x")])]
    patterns: list[URLPattern | URLResolver] = [
        path("", _noop),
        path("api/v1/", include([path("orgs/<slug:org_slug>/", include(api_org))])),
        path("api/v1/me/", _noop),
        path(
            "o/<slug:org_slug>/",
            include([path("a/", include([path("b/<int:item_id>/", _noop, name="b")]))]),
        ),
        path("accounts/", _noop),
    ]
    found = {(r.kind, r.template) for r in discover_org_routes(patterns)}
    assert found == {
        ("api", "/api/v1/orgs/<org_slug>/things/"),
        ("api", "/api/v1/orgs/<org_slug>/things/<pk>/"),
        ("api", "/api/v1/orgs/<org_slug>/x/<x_id>/"),
        ("page", "/o/<org_slug>/a/b/<item_id>/"),
    }
    detail = next(r for r in discover_org_routes(patterns) if r.template.endswith("<pk>/"))
    assert detail.allowed_methods() == frozenset({"get"})
    assert detail.url({"org_slug": "acme", "pk": 7}) == "/api/v1/orgs/acme/things/7/"


def test_a_keyword_without_registry_fails_with_a_pointer_to_the_app():
    route = next(
        r
        for r in discover_org_routes(
            [path("o/<slug:org_slug>/x/<int:widget_id>/", _noop, name="widget")]
        )
    )
    message = unknown_kwarg_message(route, "widget_id")
    assert "'widget_id'" in message
    assert "tests/isolation.py" in message
    assert "KWARG_FACTORIES" in message


# --- Self-checks: the walker notices broken scoping ------------------------------


class IsolationProbeView(OrgPageView):
    """A correctly scoped page: 404 across tenants unless scoping itself is broken."""

    model = Department
    pk_url_kwarg = "department_id"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return HttpResponse(self.get_object().name)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        department = self.get_object()
        department.name = "Renamed by the probe"
        department.save()
        return HttpResponse("ok")


class SneakyWriteProbeView(OrgPageView):
    """A buggy page that writes by bare primary key and only then answers 404."""

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        Department.objects.filter(pk=kwargs["department_id"]).update(name="Sneaky")
        raise Http404


class IgnoringProbeView(OrgPageView):
    """A page whose ``safely_get_queryset`` ignores the scoped queryset it is given and
    looks a row up by primary key in what it built: the base must still scope it."""

    model = Department

    def safely_get_queryset(self, queryset: Any) -> Any:
        return Department.objects.all()

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            return HttpResponse(self.get_queryset().get(pk=kwargs["department_id"]).name)
        except Department.DoesNotExist as exc:
            raise Http404 from exc


class IgnoringProbeViewSet(OrgScopedViewSet):
    """The same bug in an API viewset."""

    model = Department
    capabilities = {"retrieve": None}

    def safely_get_queryset(self, queryset: Any) -> Any:
        return Department.objects.all()

    def retrieve(self, request: Any, **kwargs: Any) -> Response:
        try:
            return Response({"name": self.get_queryset().get(pk=kwargs["department_id"]).name})
        except Department.DoesNotExist as exc:
            raise Http404 from exc


urlpatterns = [
    path(
        "o/<slug:org_slug>/isolation-ignoring/<int:department_id>/",
        IgnoringProbeView.as_view(),
        name="isolation_ignoring",
    ),
    path(
        "api/v1/orgs/<slug:org_slug>/isolation-ignoring/<int:department_id>/",
        IgnoringProbeViewSet.as_view({"get": "retrieve"}),
        name="api_isolation_ignoring",
    ),
    path(
        "o/<slug:org_slug>/isolation-probe/<int:department_id>/",
        IsolationProbeView.as_view(),
        name="isolation_probe",
    ),
    path(
        "o/<slug:org_slug>/isolation-sneaky/<int:department_id>/",
        SneakyWriteProbeView.as_view(),
        name="isolation_sneaky",
    ),
    *project_urls.urlpatterns,
]
handler404 = project_urls.handler404
handler403 = project_urls.handler403


def _patch_everywhere(monkeypatch: pytest.MonkeyPatch, name: str, original: Any, leaky: Any):
    """Replace a function in every loaded module that imported it by name."""
    patched = []
    for module_name, module in list(sys.modules.items()):
        if module is not None and getattr(module, name, None) is original:
            monkeypatch.setattr(module, name, leaky)
            patched.append(module_name)
    assert "advocacy.tenancy" in patched
    return patched


def _leaky_resolve_membership(user: Any, org_slug: str) -> Membership:
    """The bug: any membership of the user, relabelled as the slug's organization."""
    org = Organization.objects.filter(slug=org_slug).first()
    membership = Membership.objects.filter(user=user, is_active=True).first()
    if org is None or membership is None:
        raise Http404
    membership.organization = org
    return membership


def _leaky_access_by_id(model: Any, *, organization: Any, pk: Any, queryset: Any = None) -> Any:
    """The bug: the row by primary key, whichever organization owns it."""
    try:
        return model._default_manager.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def test_self_check_unscoped_membership_is_reported(world, monkeypatch):
    registry = collect_kwarg_factories()
    home, api = _route(ROUTES, "org_home"), _route(ROUTES, "api_org_detail")
    assert check_route_isolation(home, world, registry) == []
    assert check_route_isolation(api, world, registry) == []

    _patch_everywhere(
        monkeypatch,
        "resolve_membership",
        advocacy.tenancy.resolve_membership,
        _leaky_resolve_membership,
    )
    home_leaks = check_route_isolation(home, world, registry)
    api_leaks = check_route_isolation(api, world, registry)
    assert any("GET /o/acme/ " in leak and "answered 200" in leak for leak in home_leaks)
    assert any("GET /api/v1/orgs/acme/ " in leak and "answered 200" in leak for leak in api_leaks)


@pytest.mark.urls(__name__)
def test_self_check_unscoped_object_lookup_is_reported(world, monkeypatch):
    registry = collect_kwarg_factories()
    probe = _route(discover_org_routes(), "isolation_probe")
    assert check_route_isolation(probe, world, registry) == []

    _patch_everywhere(
        monkeypatch, "access_by_id", advocacy.tenancy.access_by_id, _leaky_access_by_id
    )
    leaks = check_route_isolation(probe, world, registry)
    a_dept = world.a.department.pk
    cross = f"/o/{world.b.org.slug}/isolation-probe/{a_dept}/"
    assert any(f"GET {cross} " in leak and "answered 200" in leak for leak in leaks), leaks
    assert any(f"POST {cross}" in leak and "changed tenant A's data" in leak for leak in leaks)
    # With A's own slug the membership check still holds.
    assert not any(f"/o/{world.a.org.slug}/" in leak for leak in leaks)


@pytest.mark.urls(__name__)
def test_self_check_a_write_hidden_behind_a_404_is_reported(world):
    registry = collect_kwarg_factories()
    sneaky = _route(discover_org_routes(), "isolation_sneaky")
    before = tenant_snapshot(world.a.org)
    leaks = check_route_isolation(sneaky, world, registry)
    assert tenant_snapshot(world.a.org) != before
    assert leaks
    assert all("changed tenant A's data" in leak for leak in leaks)
    assert "advocacy.Department (1 -> 1 rows, values changed)" in leaks[0]


def _unscoped(queryset: Any, organization: Any) -> Any:
    """The bug: the organization filter after ``safely_get_queryset`` is forgotten."""
    return queryset


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("name", ["isolation_ignoring", "api_isolation_ignoring"])
def test_self_check_an_unscoped_queryset_from_a_subclass_that_ignores_it_is_reported(
    world, monkeypatch, name
):
    registry = collect_kwarg_factories()
    probe = _route(discover_org_routes(), name)
    # The base scopes what the subclass built, so the bug in the subclass leaks nothing.
    assert check_route_isolation(probe, world, registry) == []

    patched = _patch_everywhere(
        monkeypatch, "scope_to_organization", advocacy.tenancy.scope_to_organization, _unscoped
    )
    assert "advocacy.api.base" in patched
    leaks = check_route_isolation(probe, world, registry)
    prefix = "/api/v1/orgs/" if name.startswith("api_") else "/o/"
    cross = f"{prefix}{world.b.org.slug}/isolation-ignoring/{world.a.department.pk}/"
    assert any(f"GET {cross} " in leak and "answered 200" in leak for leak in leaks), leaks
