"""Department pages: the list with member counts and a create form, and one department
(rename, delete)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..forms.departments import DepartmentForm
from ..forms.service_errors import form_add_service_errors
from ..models import Department
from ..permissions import Capability
from ..selectors import departments_with_member_counts
from ..services import departments as services
from ..tenancy import OrgPageView


class DepartmentsListView(OrgPageView):
    capability = Capability.MANAGE_DEPARTMENTS
    template_name = "advocacy/departments/list.html"

    def _render(self, form: DepartmentForm, status: int = 200) -> HttpResponse:
        context = self.get_context_data(
            form=form,
            departments=list(departments_with_member_counts(organization=self.organization)),
        )
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(DepartmentForm())

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = DepartmentForm(request.POST)
        if form.is_valid():
            try:
                department = services.department_create(
                    actor=self.membership, name=form.cleaned_data["name"]
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The department “%(name)s” has been created.") % {"name": department.name},
                )
                return redirect("departments_list", org_slug=self.organization.slug)
        return self._render(form, status=400)


class DepartmentDetailView(OrgPageView):
    capability = Capability.MANAGE_DEPARTMENTS
    model = Department
    pk_url_kwarg = "department_id"
    template_name = "advocacy/departments/detail.html"

    def _render(self, department: Department, form: DepartmentForm, status: int = 200) -> Any:
        context = self.get_context_data(department=department, form=form)
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        department = self.get_object()
        return self._render(department, DepartmentForm(initial={"name": department.name}))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        department = self.get_object()
        if request.POST.get("action") == "delete":
            name = department.name
            services.department_delete(actor=self.membership, department=department)
            messages.success(
                request, _("The department “%(name)s” has been deleted.") % {"name": name}
            )
            return redirect("departments_list", org_slug=self.organization.slug)
        form = DepartmentForm(request.POST)
        if form.is_valid():
            try:
                services.department_rename(
                    actor=self.membership, department=department, name=form.cleaned_data["name"]
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("The department has been renamed."))
                return redirect("departments_list", org_slug=self.organization.slug)
        department.refresh_from_db()
        return self._render(department, form, status=400)
