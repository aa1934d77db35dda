"""Tenant resolution and the only sanctioned ways to reach tenant rows.

* ``resolve_membership`` turns the ``org_slug`` of a URL into the organization and
  the caller's active membership there, or raises ``Http404``: an unknown slug and
  an organization the user is not a member of look the same.
* ``access_by_id`` loads a row from user input inside one organization; "missing"
  and "not yours" give the same ``Http404``.
* ``OrgPageView`` is the base of every page under ``/o/<org_slug>/``. It refuses, at
  class creation, subclasses that override ``get_queryset``/``get_object`` (they
  customise through ``safely_get_queryset``) or ``dispatch``/``resolve_org`` (which
  resolve the organization and check the capability; work that must happen before the
  handler goes in ``load_objects``).
* ``scope_to_organization`` is applied by both bases *after* ``safely_get_queryset``:
  a subclass that ignores the queryset it is given still gets only its tenant's rows.

Queries that deliberately cross tenants are not made here: they are named
``dangerously_*`` and listed in ``advocacy/dangerous.py``.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _
from django.views import View

from .localization import activate_organization_locale
from .models import Membership, Organization, TenantModel
from .permissions import Capability, has_capability

M = TypeVar("M", bound=models.Model)

#: Methods no scoped subclass may define: they scope rows or check the capability.
PAGE_FORBIDDEN_OVERRIDES = ("get_queryset", "get_object", "dispatch", "resolve_org")


def resolve_membership(user: Any, org_slug: str) -> Membership:
    """The active membership of ``user`` in the organization ``org_slug``, or 404."""
    if not getattr(user, "is_authenticated", False):
        raise Http404(_("No such organization."))
    membership = (
        Membership.objects.select_related("organization", "department")
        .filter(
            user=user,
            organization__slug=org_slug,
            organization__is_active=True,
            is_active=True,
        )
        .first()
    )
    if membership is None:
        raise Http404(_("No such organization."))
    return membership


def access_by_id(
    model: type[M],
    *,
    organization: Organization,
    pk: Any,
    queryset: models.QuerySet[M] | None = None,
) -> M:
    """Load ``model`` row ``pk`` inside ``organization``; the same 404 for missing and foreign."""
    qs = queryset if queryset is not None else model._default_manager.all()
    try:
        obj = qs.get(organization=organization, pk=pk)
    # The plugin adds DoesNotExist per concrete model; a TypeVar bound to Model lacks it.
    except (model.DoesNotExist, ValueError, TypeError) as exc:  # type: ignore[attr-defined]
        raise Http404(_("Not found.")) from exc
    # The row is this organization's (the filter above): keep the loaded organization on it,
    # so that reading ``obj.organization`` costs no second query.
    obj.organization = organization  # type: ignore[attr-defined]
    return obj


def read_write_capabilities(read: Capability, write: Capability) -> dict[str, Capability | None]:
    """A page's ``capability``: read (GET, HEAD) with one, change (any other method) with
    another."""
    return {"get": read, "head": read, "*": write}


def scope_to_organization(queryset: models.QuerySet[M], organization: Organization) -> Any:
    """``queryset`` narrowed to ``organization``'s rows. The bases apply it to whatever
    ``safely_get_queryset`` returns, so it is the last word on which rows a view sees."""
    model = queryset.model
    if not issubclass(model, TenantModel):
        raise TypeError(f"{model.__qualname__} is not a tenant model; it cannot be scoped.")
    return queryset.filter(organization=organization)


_OVERRIDE_ADVICE = {
    "get_queryset": "customise safely_get_queryset() instead, so tenant scoping cannot be lost",
    "get_object": "customise safely_get_queryset() instead, so tenant scoping cannot be lost",
    "dispatch": "put work that must run before the handler in load_objects(); dispatch "
    "resolves the organization and checks the capability",
    "resolve_org": "set capability instead; resolve_org checks it",
    "get_permissions": "name each action's capability in capabilities instead",
    "check_permissions": "name each action's capability in capabilities instead",
}


def guard_scoped_subclass(cls: type, base_name: str, forbidden: tuple[str, ...]) -> None:
    """Refuse, at class creation, a subclass that would bypass tenant scoping or the
    capability check."""
    for name in forbidden:
        if name in cls.__dict__:
            raise TypeError(
                f"{cls.__qualname__} overrides {name}(); {base_name} subclasses "
                f"{_OVERRIDE_ADVICE.get(name, 'may not do that')}."
            )


class OrgContextMixin:
    """Resolves ``request.organization``/``request.membership`` and checks the capability."""

    #: The capability a member needs for this view; ``None`` means any active member.
    #: A dict maps HTTP methods (lower case) to capabilities.
    capability: Capability | dict[str, Capability | None] | None = None

    request: HttpRequest
    kwargs: dict[str, Any]

    def required_capability(self, method: str) -> Capability | None:
        cap = self.capability
        if isinstance(cap, dict):
            if method.lower() not in cap:
                return cap.get("*")
            return cap[method.lower()]
        return cap

    def resolve_org(self, request: HttpRequest) -> None:
        membership = resolve_membership(request.user, self.kwargs["org_slug"])
        request.membership = membership  # type: ignore[attr-defined]
        request.organization = membership.organization  # type: ignore[attr-defined]
        self.membership = membership
        self.organization = membership.organization
        activate_organization_locale(membership.organization)
        cap = self.required_capability(request.method or "get")
        if cap is not None and not has_capability(membership, cap):
            raise PermissionDenied(_("Your role does not allow this."))

    def can(self, capability: Capability) -> bool:
        return has_capability(self.membership, capability)


class OrgPageView(LoginRequiredMixin, OrgContextMixin, View):
    """Base of every page under ``/o/<org_slug>/``.

    Set ``model`` (a ``TenantModel``) to get ``get_queryset``/``get_object`` scoped to
    the organization; narrow them with ``safely_get_queryset``.
    """

    model: type[TenantModel] | None = None
    pk_url_kwarg = "pk"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        guard_scoped_subclass(cls, "OrgPageView", PAGE_FORBIDDEN_OVERRIDES)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.resolve_org(request)
        self.load_objects()
        return super().dispatch(request, *args, **kwargs)

    def load_objects(self) -> None:
        """Runs after the organization is resolved and the capability checked, before the
        handler, whatever the method (e.g. load the objects named in the URL so a foreign
        id is a 404 even for a method the page lacks)."""

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        return queryset

    def get_queryset(self) -> models.QuerySet:
        if self.model is None:
            raise TypeError(f"{type(self).__qualname__} has no model to scope.")
        narrowed = self.safely_get_queryset(self.model.objects.for_org(self.organization))
        return scope_to_organization(narrowed, self.organization)

    def get_object(self) -> Any:
        return access_by_id(
            self.model,  # type: ignore[arg-type]
            organization=self.organization,
            pk=self.kwargs.get(self.pk_url_kwarg),
            queryset=self.get_queryset(),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            "organization": self.organization,
            "membership": self.membership,
            "view": self,
            **kwargs,
        }
