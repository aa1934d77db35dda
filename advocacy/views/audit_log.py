"""The audit log page: newest first, filtered by action, keyset pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..audit_sentences import describe_entries
from ..forms.audit_log import AuditLogFilterForm
from ..keyset import keyset_links, keyset_page
from ..permissions import Capability
from ..selectors import audit_log_entries
from ..tenancy import OrgPageView

PAGE_SIZE = 50


class AuditLogView(OrgPageView):
    capability = Capability.VIEW_AUDIT_LOG
    template_name = "advocacy/audit_log.html"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = AuditLogFilterForm(request.GET or None, organization=self.organization)
        valid = form.is_valid() if form.is_bound else True
        action = form.cleaned_data.get("action", "") if form.is_bound and valid else ""
        page = keyset_page(
            audit_log_entries(organization=self.organization, action=action),
            order=("-created_at", "-id"),
            cursor=request.GET.get("cursor"),
            size=PAGE_SIZE,
            on_invalid="first",
        )
        describe_entries(page.items, organization=self.organization)
        context = self.get_context_data(form=form, page=page, **keyset_links(request, page))
        return render(request, self.template_name, context, status=200 if valid else 400)
