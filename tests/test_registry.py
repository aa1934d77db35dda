"""Architecture rules that keep tenant data reachable only through its organization.

* Every concrete model of Chorus's own apps is tenant-owned (inherits
  ``advocacy.models.TenantModel``) or is on the explicit allowlist of global models.
* Every page under ``/o/<org_slug>/`` is an ``OrgPageView`` and every API view under
  ``/api/v1/orgs/<org_slug>/`` an ``OrgScopedViewSet``: the bases that resolve the
  organization and refuse subclasses that bypass scoping.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from advocacy.api.base import OrgScopedViewSet
from advocacy.models import Department, TenantModel
from advocacy.tenancy import OrgPageView

from .isolation_support import Route, discover_org_routes

#: Models that belong to no single organization. Adding one here is a design decision:
#: say in the model's docstring why it is global.
GLOBAL_MODELS = {
    "advocacy.User",  # a person may belong to several organizations
    "advocacy.Organization",  # the tenant itself
    "advocacy.ApiToken",  # personal; the organization still comes from the URL
    "advocacy.UserSession",  # a sign-in, like the session itself, spans the organizations
    "social.NetworkAccount",  # a person's network account, whichever organizations they work for
}

PROJECT_DIR = Path(settings.BASE_DIR).resolve()


def _is_project_app(path: str) -> bool:
    resolved = Path(path).resolve()
    return resolved.is_relative_to(PROJECT_DIR) and not resolved.is_relative_to(
        PROJECT_DIR / ".venv"
    )


def project_models() -> list[type[models.Model]]:
    found: list[type[models.Model]] = []
    for config in apps.get_app_configs():
        if not _is_project_app(config.path):
            continue
        for model in config.get_models():  # concrete models; abstract ones are not registered
            found.append(model)
    return found


def test_project_apps_are_found():
    labels = {config.label for config in apps.get_app_configs() if _is_project_app(config.path)}
    assert {"advocacy", "content_library", "guidelines", "campaigns", "analytics"} <= labels
    assert "auth" not in labels
    assert "django_celery_beat" not in labels
    assert "account" not in labels  # allauth


def test_every_model_is_tenant_owned_or_explicitly_global():
    offenders = []
    for model in project_models():
        concrete = model._meta.concrete_model
        assert concrete is not None
        label = concrete._meta.label
        if issubclass(model, TenantModel) or label in GLOBAL_MODELS:
            continue
        offenders.append(model._meta.label)
    assert not offenders, (
        f"{offenders} neither inherit advocacy.models.TenantModel nor are on GLOBAL_MODELS in "
        "tests/test_registry.py. Tenant data needs a non-null organization: inherit TenantModel."
    )


def test_tenant_models_have_a_required_organization():
    for model in project_models():
        if issubclass(model, TenantModel):
            field = model._meta.get_field("organization")
            assert not field.null, model._meta.label
            assert field.related_model._meta.label == "advocacy.Organization"


def test_the_global_allowlist_is_not_stale():
    existing = {m._meta.label for m in project_models()}
    assert existing >= GLOBAL_MODELS, f"no longer exist: {GLOBAL_MODELS - existing}"
    for label in GLOBAL_MODELS:
        assert not issubclass(apps.get_model(label), TenantModel), label


ROUTES = discover_org_routes()
PAGE_ROUTES = [r for r in ROUTES if r.kind == "page"]
API_ROUTES = [r for r in ROUTES if r.kind == "api"]


@pytest.mark.parametrize("route", PAGE_ROUTES, ids=lambda r: r.label)
def test_every_page_under_the_org_prefix_is_an_org_page_view(route: Route) -> None:
    cls = route.view_class
    assert cls is not None and issubclass(cls, OrgPageView), (
        f"{route.label} is served by {cls or route.callback!r}, which is not an "
        "advocacy.tenancy.OrgPageView: pages under /o/<org_slug>/ must inherit it."
    )


@pytest.mark.parametrize("route", API_ROUTES, ids=lambda r: r.label)
def test_every_api_view_under_the_org_prefix_is_an_org_scoped_viewset(route: Route) -> None:
    cls = route.view_class
    assert cls is not None and issubclass(cls, OrgScopedViewSet), (
        f"{route.label} is served by {cls or route.callback!r}, which is not an "
        "advocacy.api.base.OrgScopedViewSet: API views under /api/v1/orgs/<org_slug>/ must "
        "inherit it."
    )


def test_both_prefixes_have_routes():
    assert PAGE_ROUTES
    assert API_ROUTES


@pytest.mark.parametrize("base", [OrgPageView, OrgScopedViewSet], ids=lambda b: b.__name__)
@pytest.mark.parametrize("method", ["get_queryset", "get_object"])
def test_a_subclass_that_overrides_scoping_is_refused(base: type, method: str) -> None:
    def leaky(self):  # pragma: no cover - never called: the class is refused at definition
        return Department.objects.all()

    with pytest.raises(TypeError, match="safely_get_queryset"):
        type("Leaky", (base,), {method: leaky, "__module__": __name__})


@pytest.mark.parametrize("base", [OrgPageView, OrgScopedViewSet], ids=lambda b: b.__name__)
def test_a_grandchild_that_overrides_scoping_is_refused_too(base: type) -> None:
    child = type("Child", (base,), {"model": Department, "__module__": __name__})
    with pytest.raises(TypeError):
        type("GrandChild", (child,), {"get_queryset": lambda self: None, "__module__": __name__})


@pytest.mark.parametrize("base", [OrgPageView, OrgScopedViewSet], ids=lambda b: b.__name__)
def test_narrowing_through_safely_get_queryset_is_allowed(base: type) -> None:
    narrowed = type(
        "Narrowed",
        (base,),
        {
            "model": Department,
            "safely_get_queryset": lambda self, qs: qs.filter(name="Sales"),
            "__module__": __name__,
        },
    )
    assert issubclass(narrowed, base)
