"""Invitation pages: invite by address, import a CSV file, the list of open invitations
(pending and expired) and withdrawing or resending one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..forms.invitations import InvitationImportForm, InviteForm
from ..forms.service_errors import form_add_service_errors, service_error_messages
from ..keyset import keyset_links, keyset_page
from ..models import Invitation
from ..permissions import Capability
from ..selectors import invitations_open
from ..services import invitation_rows, invitations
from ..tenancy import OrgPageView, read_write_capabilities

PAGE_SIZE = 50


class MembersInviteView(OrgPageView):
    capability = Capability.MANAGE_MEMBERS
    template_name = "advocacy/members/invite.html"

    def _render(self, form: InviteForm, reports: Any = None, status: int = 200) -> HttpResponse:
        context = self.get_context_data(form=form, reports=reports)
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(InviteForm(organization=self.organization))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = InviteForm(request.POST, organization=self.organization)
        if not form.is_valid():
            return self._render(form, status=400)
        rows = invitation_rows.invitation_rows_from_text(
            text=form.cleaned_data["emails"],
            role=form.cleaned_data["role"],
            department=form.cleaned_data["department"],
        )
        try:
            created = invitations.invitations_create(actor=self.membership, rows=rows)
        except invitation_rows.InvitationRowsInvalid as exc:
            form.add_error("emails", exc.messages)
            bad = [r for r in exc.reports if not r.ok]
            return self._render(form, reports=bad, status=400)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
            return self._render(form, status=400)
        messages.success(
            request,
            ngettext("%(n)d invitation sent.", "%(n)d invitations sent.", len(created))
            % {"n": len(created)},
        )
        return redirect("invitations_list", org_slug=self.organization.slug)


class MembersImportView(OrgPageView):
    capability = Capability.MANAGE_MEMBERS
    template_name = "advocacy/members/import.html"

    def _render(self, form: Any, reports: Any = None, status: int = 200) -> HttpResponse:
        context = self.get_context_data(
            form=form, reports=reports, columns=invitation_rows.CSV_COLUMNS
        )
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(InvitationImportForm())

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = InvitationImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(form, status=400)
        upload = form.cleaned_data["file"]
        if upload.size > invitation_rows.CSV_MAX_BYTES:
            form.add_error(
                "file",
                _("The file is too large (at most %(mb)d MB).")
                % {"mb": invitation_rows.CSV_MAX_BYTES // 2**20},
            )
            return self._render(form, status=400)
        try:
            rows = invitation_rows.invitation_rows_from_csv(upload.read())
            created = invitations.invitations_create(actor=self.membership, rows=rows)
        except invitation_rows.InvitationRowsInvalid as exc:
            form.add_error(None, exc.messages)
            return self._render(form, reports=exc.reports, status=400)
        except ValidationError as exc:
            form.add_error("file", exc.messages)
            return self._render(form, status=400)
        messages.success(
            request,
            ngettext(
                "%(n)d person invited from the file.",
                "%(n)d people invited from the file.",
                len(created),
            )
            % {"n": len(created)},
        )
        return redirect("invitations_list", org_slug=self.organization.slug)


class InvitationsListView(OrgPageView):
    capability = read_write_capabilities(Capability.VIEW_MEMBERS, Capability.MANAGE_MEMBERS)
    template_name = "advocacy/invitations/list.html"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        page = keyset_page(
            invitations_open(organization=self.organization),
            order=("-id",),
            cursor=request.GET.get("cursor"),
            size=PAGE_SIZE,
            on_invalid="first",
        )
        for invitation in page:
            invitation.status = invitations.invitation_status(invitation)
        context = self.get_context_data(
            page=page,
            can_manage=self.can(Capability.MANAGE_MEMBERS),
            **keyset_links(request, page),
        )
        return render(request, self.template_name, context)


class _InvitationActionView(OrgPageView):
    """GET asks for confirmation, POST acts."""

    capability = Capability.MANAGE_MEMBERS
    model = Invitation
    pk_url_kwarg = "invitation_id"
    template_name = "advocacy/invitations/confirm.html"
    action = ""

    def act(self, invitation: Invitation) -> str:
        raise NotImplementedError

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        invitation = self.get_object()
        context = self.get_context_data(invitation=invitation, action=self.action)
        return render(request, self.template_name, context)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        invitation = self.get_object()
        try:
            message = self.act(invitation)
        except ValidationError as exc:
            for text in service_error_messages(exc):
                messages.error(request, text)
        else:
            messages.success(request, message)
        return redirect("invitations_list", org_slug=self.organization.slug)


class InvitationRevokeView(_InvitationActionView):
    action = "revoke"

    def act(self, invitation: Invitation) -> str:
        invitations.invitation_revoke(actor=self.membership, invitation=invitation)
        return _("The invitation for %(email)s has been withdrawn.") % {"email": invitation.email}


class InvitationResendView(_InvitationActionView):
    action = "resend"

    def act(self, invitation: Invitation) -> str:
        invitations.invitation_resend(actor=self.membership, invitation=invitation)
        return _("The invitation has been sent again to %(email)s.") % {"email": invitation.email}
