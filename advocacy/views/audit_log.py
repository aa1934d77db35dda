"""The audit log page: newest first, filtered by action, keyset pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..forms.audit_log import AuditLogFilterForm
from ..keyset import keyset_links, keyset_page
from ..permissions import Capability
from ..selectors import audit_log_entries
from ..tenancy import OrgPageView

PAGE_SIZE = 50

#: Known actions of the core, suggested in the audit-log filter (any action may be typed).
AUDIT_ACTIONS = (
    "organization.created",
    "membership.created",
    "membership.updated",
    "membership.deactivated",
    "membership.reactivated",
    "invitation.created",
    "invitation.resent",
    "invitation.revoked",
    "invitation.expired",
    "invitation.accepted",
    "department.created",
    "department.renamed",
    "department.deleted",
)


class AuditLogView(OrgPageView):
    capability = Capability.VIEW_AUDIT_LOG
    template_name = "advocacy/audit_log.html"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = AuditLogFilterForm(request.GET or None)
        action = form.cleaned_data.get("action", "").strip() if form.is_valid() else ""
        page = keyset_page(
            audit_log_entries(organization=self.organization, action=action),
            order=("-created_at", "-id"),
            cursor=request.GET.get("cursor"),
            size=PAGE_SIZE,
            on_invalid="first",
        )
        context = self.get_context_data(
            form=form, page=page, actions=AUDIT_ACTIONS, **keyset_links(request, page)
        )
        return render(request, self.template_name, context)
