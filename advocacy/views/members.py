"""Member administration pages: the members list (search, filters, keyset pages) and a
member's page (edit role and profile, deactivate, reactivate). Views stay thin: forms
read input, services change state (and check the actor's capability), selectors read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..forms.members import MemberEditForm, MemberFilterForm
from ..forms.service_errors import form_add_service_errors
from ..keyset import keyset_links, keyset_page
from ..models import Membership
from ..permissions import Capability
from ..selectors import members_search
from ..services import members as services
from ..tenancy import OrgPageView, read_write_capabilities

PAGE_SIZE = 50


class MembersListView(OrgPageView):
    capability = read_write_capabilities(Capability.VIEW_MEMBERS, Capability.MANAGE_MEMBERS)
    template_name = "advocacy/members/list.html"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = MemberFilterForm(request.GET or None, organization=self.organization)
        filters = (
            form.filters()
            if form.is_bound
            else {"search": "", "role": "", "department_id": None, "status": "active"}
        )
        qs = members_search(organization=self.organization, **filters)
        page = keyset_page(
            qs,
            order=("-id",),
            cursor=request.GET.get("cursor"),
            size=PAGE_SIZE,
            on_invalid="first",
        )
        context = self.get_context_data(
            form=form,
            page=page,
            filtered=any(v for k, v in filters.items() if k != "status")
            or filters["status"] != "active",
            can_manage=self.can(Capability.MANAGE_MEMBERS),
            **keyset_links(request, page),
        )
        return render(request, self.template_name, context)


class MemberDetailView(OrgPageView):
    capability = read_write_capabilities(Capability.VIEW_MEMBERS, Capability.MANAGE_MEMBERS)
    model = Membership
    pk_url_kwarg = "member_id"
    template_name = "advocacy/members/detail.html"

    def safely_get_queryset(self, queryset: Any) -> Any:
        return queryset.select_related("user", "department")

    def _render(
        self,
        member: Membership,
        form: MemberEditForm,
        status: int = 200,
        access_errors: list[str] | None = None,
    ) -> HttpResponse:
        context = self.get_context_data(
            member=member,
            form=form,
            access_errors=access_errors or [],
            can_manage=self.can(Capability.MANAGE_MEMBERS),
            is_self=member.user_id == self.request.user.pk,
        )
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        member = self.get_object()
        return self._render(member, MemberEditForm(instance=member, organization=self.organization))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        member = self.get_object()
        action = request.POST.get("action", "update")
        if action in ("deactivate", "reactivate"):
            service = (
                services.member_deactivate if action == "deactivate" else services.member_reactivate
            )
            try:
                service(actor=self.membership, membership=member)
            except ValidationError as exc:
                form = MemberEditForm(instance=member, organization=self.organization)
                return self._render(member, form, status=400, access_errors=exc.messages)
            if action == "deactivate":
                messages.success(
                    request, _("%(name)s has been deactivated.") % {"name": member.user}
                )
            else:
                messages.success(
                    request, _("%(name)s has been reactivated.") % {"name": member.user}
                )
            return redirect("member_detail", org_slug=self.organization.slug, member_id=member.pk)

        original = self.get_object()
        form = MemberEditForm(request.POST, instance=member, organization=self.organization)
        if form.is_valid():
            try:
                services.member_update(actor=self.membership, membership=original, **form.changes())
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("The changes have been saved."))
                return redirect(
                    "member_detail", org_slug=self.organization.slug, member_id=member.pk
                )
        return self._render(original, form, status=400)
