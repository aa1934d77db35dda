"""The organization-scoped DRF base that every tenant API viewset inherits.

Routes live under ``/api/v1/orgs/<org_slug>/…``. The organization and the caller's
membership are resolved once in ``initial()``; non-members get 404. Subclasses may not
override ``get_queryset``/``get_object``; they narrow the scoped queryset through
``safely_get_queryset``, and the organization filter is applied again to what it returns
(a subclass that ignores its argument still sees only its tenant). Each action names its
capability in ``capabilities``; an action without one is refused, so a forgotten
permission fails closed. Subclasses may not override ``dispatch``, ``get_permissions`` or
``check_permissions``, nor set ``permission_classes`` without ``HasActionCapability``:
the class is refused when it is created.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions, viewsets
from rest_framework.request import Request

from ..models import TenantModel
from ..permissions import Capability, has_capability
from ..tenancy import (
    access_by_id,
    guard_scoped_subclass,
    resolve_membership,
    scope_to_organization,
)

ANY_MEMBER = None  # readability: ``capabilities = {"list": ANY_MEMBER}``


class HasActionCapability(permissions.BasePermission):
    message = _("Your role does not allow this.")

    def has_permission(self, request: Request, view: Any) -> bool:
        caps: dict[str, Capability | None] = getattr(view, "capabilities", {})
        action = getattr(view, "action", None) or (request.method or "").lower()
        if action not in caps:
            if "*" not in caps:
                return False
            action = "*"
        cap = caps[action]
        return cap is None or has_capability(view.membership, cap)


#: Methods no scoped viewset may define: they scope rows or check the capability.
API_FORBIDDEN_OVERRIDES = (
    "get_queryset",
    "get_object",
    "dispatch",
    "get_permissions",
    "check_permissions",
)


def guard_permission_classes(cls: type) -> None:
    """A subclass may add permission classes, never drop the capability check."""
    if "permission_classes" not in cls.__dict__:
        return
    classes = list(cls.__dict__["permission_classes"] or ())
    if not any(isinstance(c, type) and issubclass(c, HasActionCapability) for c in classes):
        raise TypeError(
            f"{cls.__qualname__} sets permission_classes without HasActionCapability; "
            "OrgScopedViewSet subclasses keep it (name each action's capability in "
            "capabilities), so that no action skips the capability check."
        )


class ApiViewMixin:
    """The order in which every API viewset checks a request (DRF's, rearranged):

    1. content negotiation first, so that an error raised while authenticating (a body too
       large, read by the CSRF check of a session) is still rendered in the error format;
    2. authentication; bad credentials count against the anonymous rate before the 401,
       so guessing tokens is throttled;
    3. throttles (``advocacy.api.throttling``), before permissions, so that requests
       without credentials are throttled too instead of answered 401 without limit;
    4. the view's scope (``resolve_scope``: the organization, for ``OrgScopedViewSet``);
    5. permissions.
    """

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        view: Any = self
        view.format_kwarg = view.get_format_suffix(**kwargs)
        request.accepted_renderer, request.accepted_media_type = view.perform_content_negotiation(
            request
        )
        request.version, request.versioning_scheme = view.determine_version(
            request, *args, **kwargs
        )
        try:
            view.perform_authentication(request)
        except exceptions.AuthenticationFailed:
            view.check_throttles(request)
            raise
        view.check_throttles(request)
        self.resolve_scope(request, **kwargs)
        view.check_permissions(request)

    def resolve_scope(self, request: Request, **kwargs: Any) -> None:
        """Set what the view is scoped to, after authentication, before permissions."""


class OrgScopedViewSet(ApiViewMixin, viewsets.GenericViewSet):
    """Base of every tenant API viewset."""

    model: type[TenantModel] | None = None
    capabilities: dict[str, Capability | None] = {}
    permission_classes = [permissions.IsAuthenticated, HasActionCapability]
    lookup_field = "pk"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        guard_scoped_subclass(cls, "OrgScopedViewSet", API_FORBIDDEN_OVERRIDES)
        guard_permission_classes(cls)

    def resolve_scope(self, request: Request, **kwargs: Any) -> None:
        # Resolved before permissions so non-members see 404, never 403.
        if request.user and request.user.is_authenticated:
            self.membership = resolve_membership(request.user, kwargs["org_slug"])
            self.organization = self.membership.organization
            request._request.organization = self.organization  # type: ignore[attr-defined]
            request._request.membership = self.membership  # type: ignore[attr-defined]

    def check_permissions(self, request: Request) -> None:
        # A method the route does not offer is a 405, before any capability question.
        method = (request.method or "").lower()
        action_map = getattr(self, "action_map", None)
        if action_map is not None and method != "options" and method not in action_map:
            raise exceptions.MethodNotAllowed(request.method or "")
        super().check_permissions(request)

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        return queryset

    def get_queryset(self) -> models.QuerySet:
        if self.model is None:
            raise TypeError(f"{type(self).__qualname__} has no model to scope.")
        if getattr(self, "swagger_fake_view", False):
            # Schema generation has no request organization: an empty queryset is enough
            # for drf-spectacular to type the path parameters from the model.
            return self.model.objects.none()
        narrowed = self.safely_get_queryset(self.model.objects.for_org(self.organization))
        return scope_to_organization(narrowed, self.organization)

    def get_object(self) -> Any:
        lookup = self.lookup_url_kwarg or self.lookup_field
        obj = access_by_id(
            self.model,  # type: ignore[arg-type]
            organization=self.organization,
            pk=self.kwargs.get(lookup),
            queryset=self.get_queryset(),
        )
        self.check_object_permissions(self.request, obj)
        return obj

    def get_serializer_context(self) -> dict[str, Any]:
        ctx = dict(super().get_serializer_context())
        ctx["organization"] = getattr(self, "organization", None)
        ctx["membership"] = getattr(self, "membership", None)
        return ctx
