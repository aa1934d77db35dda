"""The base of every guidelines page, and what the pages share."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse

from advocacy.permissions import Capability
from advocacy.tenancy import OrgPageView, access_by_id

from ..models import PolicyDocument

MANAGE = Capability.MANAGE_GUIDELINES


def _add_service_errors(form: Form, exc: ValidationError) -> None:
    """Put a service's field errors on the form (unknown fields become form-wide errors)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class GuidelinesPageView(OrgPageView):
    """Loads the objects named in the URL before anything else, so that a foreign or
    missing id answers 404 whatever the HTTP method."""

    def load_objects(self) -> None:
        if self.model is not None and self.pk_url_kwarg in self.kwargs:
            self.object = self.get_object()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.resolve_org(request)
        self.load_objects()
        return super(OrgPageView, self).dispatch(request, *args, **kwargs)

    def document_from_url(self) -> PolicyDocument:
        return access_by_id(
            PolicyDocument, organization=self.organization, pk=self.kwargs.get("document_id")
        )
