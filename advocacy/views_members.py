"""Member administration pages: members, invitations (and accepting one), departments
and the audit log. Views stay thin: forms read input, services change state, selectors
read."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import services
from .audit_sentences import describe_entries
from .forms_members import (
    AuditLogFilterForm,
    DepartmentForm,
    InvitationImportForm,
    InvitationSignupForm,
    InviteForm,
    MemberEditForm,
    MemberFilterForm,
)
from .models import Department, Invitation, Membership, User
from .permissions import Capability
from .selectors import (
    audit_log_entries,
    departments_with_member_counts,
    invitation_by_token,
    invitations_open,
    keyset_page,
    members_search,
)
from .tenancy import OrgPageView

PAGE_SIZE = 50


def _read(view: Capability, write: Capability) -> dict[str, Capability]:
    """Read with one capability, change with another; any other method needs ``write``."""
    return {"get": view, "head": view, "*": write}


def _apply_errors(form: Any, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: field errors where the form has the
    field, everything else at the top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _next_url(request: HttpRequest, cursor: str) -> str:
    params = request.GET.copy()
    params["cursor"] = cursor
    return f"{request.path}?{params.urlencode()}"


def _first_url(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("cursor", None)
    return f"{request.path}?{params.urlencode()}" if params else request.path


# --- Members -------------------------------------------------------------------------


class MembersListView(OrgPageView):
    capability = _read(Capability.VIEW_MEMBERS, Capability.MANAGE_MEMBERS)
    template_name = "advocacy/members/list.html"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = MemberFilterForm(request.GET or None, organization=self.organization)
        filters = (
            form.filters()
            if form.is_bound
            else {"search": "", "role": "", "department_id": None, "status": "active"}
        )
        qs = members_search(organization=self.organization, **filters)
        page = keyset_page(qs, order=("-id",), cursor=request.GET.get("cursor"), size=PAGE_SIZE)
        context = self.get_context_data(
            form=form,
            page=page,
            filtered=any(v for k, v in filters.items() if k != "status")
            or filters["status"] != "active",
            next_url=_next_url(request, page.next_cursor) if page.next_cursor else None,
            first_url=None if page.is_first else _first_url(request),
            can_manage=self.can(Capability.MANAGE_MEMBERS),
        )
        return render(request, self.template_name, context)


class MemberDetailView(OrgPageView):
    capability = _read(Capability.VIEW_MEMBERS, Capability.MANAGE_MEMBERS)
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
                service(organization=self.organization, actor=request.user, membership=member)
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
                services.member_update(
                    organization=self.organization,
                    actor=request.user,
                    membership=original,
                    **form.changes(),
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("The changes have been saved."))
                return redirect(
                    "member_detail", org_slug=self.organization.slug, member_id=member.pk
                )
        return self._render(original, form, status=400)


# --- Invitations ---------------------------------------------------------------------


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
        rows = services.invitation_rows_from_text(
            text=form.cleaned_data["emails"],
            role=form.cleaned_data["role"],
            department=form.cleaned_data["department"],
        )
        try:
            invitations = services.invitations_create(
                organization=self.organization, actor=request.user, rows=rows
            )
        except services.InvitationRowsInvalid as exc:
            form.add_error("emails", exc.messages)
            bad = [r for r in exc.reports if not r.ok]
            return self._render(form, reports=bad, status=400)
        except ValidationError as exc:
            _apply_errors(form, exc)
            return self._render(form, status=400)
        messages.success(
            request,
            ngettext("%(n)d invitation sent.", "%(n)d invitations sent.", len(invitations))
            % {"n": len(invitations)},
        )
        return redirect("invitations_list", org_slug=self.organization.slug)


class MembersImportView(OrgPageView):
    capability = Capability.MANAGE_MEMBERS
    template_name = "advocacy/members/import.html"

    def _render(self, form: Any, reports: Any = None, status: int = 200) -> HttpResponse:
        context = self.get_context_data(form=form, reports=reports, columns=services.CSV_COLUMNS)
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(InvitationImportForm())

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = InvitationImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(form, status=400)
        upload = form.cleaned_data["file"]
        if upload.size > services.CSV_MAX_BYTES:
            form.add_error(
                "file",
                _("The file is too large (at most %(mb)d MB).")
                % {"mb": services.CSV_MAX_BYTES // 2**20},
            )
            return self._render(form, status=400)
        try:
            rows = services.invitation_rows_from_csv(upload.read())
            invitations = services.invitations_create(
                organization=self.organization, actor=request.user, rows=rows
            )
        except services.InvitationRowsInvalid as exc:
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
                len(invitations),
            )
            % {"n": len(invitations)},
        )
        return redirect("invitations_list", org_slug=self.organization.slug)


class InvitationsListView(OrgPageView):
    capability = _read(Capability.VIEW_MEMBERS, Capability.MANAGE_MEMBERS)
    template_name = "advocacy/invitations/list.html"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        page = keyset_page(
            invitations_open(organization=self.organization),
            order=("-id",),
            cursor=request.GET.get("cursor"),
            size=PAGE_SIZE,
        )
        for invitation in page:
            invitation.status = services.invitation_status(invitation)
        context = self.get_context_data(
            page=page,
            next_url=_next_url(request, page.next_cursor) if page.next_cursor else None,
            first_url=None if page.is_first else _first_url(request),
            can_manage=self.can(Capability.MANAGE_MEMBERS),
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
            for text in exc.messages:
                messages.error(request, text)
        else:
            messages.success(request, message)
        return redirect("invitations_list", org_slug=self.organization.slug)


class InvitationRevokeView(_InvitationActionView):
    action = "revoke"

    def act(self, invitation: Invitation) -> str:
        services.invitation_revoke(
            organization=self.organization, actor=self.request.user, invitation=invitation
        )
        return _("The invitation for %(email)s has been withdrawn.") % {"email": invitation.email}


class InvitationResendView(_InvitationActionView):
    action = "resend"

    def act(self, invitation: Invitation) -> str:
        services.invitation_resend(
            organization=self.organization, actor=self.request.user, invitation=invitation
        )
        return _("The invitation has been sent again to %(email)s.") % {"email": invitation.email}


def _account_exists(email: str) -> bool:
    from allauth.account.models import EmailAddress

    return (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email, verified=True).exists()
    )


def _unavailable(request: HttpRequest, reason: str) -> HttpResponse:
    texts = {
        "unknown": _("This invitation link is not valid. Check that you copied all of it."),
        "used": _("This invitation has already been used."),
        "revoked": _("This invitation was withdrawn by the organization."),
        "expired": _("This invitation has expired."),
        "closed": _("This organization no longer accepts new members."),
    }
    return render(
        request,
        "advocacy/invitations/unavailable.html",
        {"reason": reason, "text": texts[reason]},
        status=404 if reason == "unknown" else 410,
    )


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation e-mail (public)."""
    invitation = invitation_by_token(token)
    if invitation is None:
        return _unavailable(request, "unknown")
    status = services.invitation_status(invitation)
    if status != "pending":
        return _unavailable(request, status)
    if not invitation.organization.is_active:
        return _unavailable(request, "closed")
    context: dict[str, Any] = {"invitation": invitation, "organization": invitation.organization}

    if request.user.is_authenticated:
        if not services.invitation_email_matches(invitation=invitation, user=request.user):
            return render(request, "advocacy/invitations/wrong_user.html", context, status=403)
        if request.method == "POST":
            try:
                services.invitation_accept(invitation=invitation, user=request.user)
            except ValidationError as exc:
                context["errors"] = exc.messages
                return render(request, "advocacy/invitations/accept.html", context, status=400)
            request.session.pop("invitation_token", None)
            messages.success(
                request, _("Welcome to %(org)s!") % {"org": invitation.organization.name}
            )
            return redirect("org_home", org_slug=invitation.organization.slug)
        return render(request, "advocacy/invitations/accept.html", context)

    if _account_exists(invitation.email):
        request.session["invitation_token"] = token
        context["login_url"] = reverse("account_login") + "?" + urlencode({"next": request.path})
        return render(request, "advocacy/invitations/accept_signin.html", context)

    form = InvitationSignupForm(
        request.POST if request.method == "POST" else None,
        email=invitation.email,
        initial={"name": invitation.name},
    )
    if form.is_bound and form.is_valid():
        try:
            membership = services.invitation_accept_as_new_user(
                invitation=invitation,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            request.session.pop("invitation_token", None)
            messages.success(
                request, _("Welcome to %(org)s!") % {"org": invitation.organization.name}
            )
            return redirect("org_home", org_slug=invitation.organization.slug)
    context["form"] = form
    return render(
        request,
        "advocacy/invitations/accept_signup.html",
        context,
        status=400 if form.is_bound else 200,
    )


# --- Departments ---------------------------------------------------------------------


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
                    organization=self.organization,
                    actor=request.user,
                    name=form.cleaned_data["name"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
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
            services.department_delete(
                organization=self.organization, actor=request.user, department=department
            )
            messages.success(
                request, _("The department “%(name)s” has been deleted.") % {"name": name}
            )
            return redirect("departments_list", org_slug=self.organization.slug)
        form = DepartmentForm(request.POST)
        if form.is_valid():
            try:
                services.department_rename(
                    organization=self.organization,
                    actor=request.user,
                    department=department,
                    name=form.cleaned_data["name"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("The department has been renamed."))
                return redirect("departments_list", org_slug=self.organization.slug)
        department.refresh_from_db()
        return self._render(department, form, status=400)


# --- Audit log -----------------------------------------------------------------------


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
        )
        describe_entries(page.items, organization=self.organization)
        context = self.get_context_data(
            form=form,
            page=page,
            next_url=_next_url(request, page.next_cursor) if page.next_cursor else None,
            first_url=None if page.is_first else _first_url(request),
        )
        return render(request, self.template_name, context, status=200 if valid else 400)
