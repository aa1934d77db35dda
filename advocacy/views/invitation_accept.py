"""The link in the invitation e-mail (public): sign in, or create an account, and join."""

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

from ..forms.invitations import InvitationSignupForm
from ..forms.service_errors import form_add_service_errors
from ..models import User
from ..selectors import invitation_by_token
from ..services import invitation_acceptance as services
from ..services.invitations import invitation_status


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
    status = invitation_status(invitation)
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
            form_add_service_errors(form, exc)
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
