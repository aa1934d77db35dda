"""Pages about the person rather than an organization: profile, interface language,
personal API tokens; and what each role finds on its organization home."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .api_tokens import api_token_create, api_token_revoke, api_tokens_of_user
from .forms import ApiTokenCreateForm, LanguageSwitchForm, ProfileForm
from .models import Membership, Role
from .permissions import Capability, capabilities_for, has_capability

# --- Interface language --------------------------------------------------------


def safe_next_url(request: HttpRequest, candidate: str | None) -> str | None:
    """``candidate`` when it points back into this site, else None (no open redirects)."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Switch the interface language: saved on the user when signed in, and in a cookie."""
    form = LanguageSwitchForm(request.POST)
    next_url = (
        safe_next_url(request, request.POST.get("next"))
        or safe_next_url(request, request.headers.get("referer"))
        or "/"
    )
    response = HttpResponseRedirect(next_url)
    if not form.is_valid():
        return response
    language = form.cleaned_data["language"]
    if request.user.is_authenticated and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    set_language_cookie(response, language)
    return response


# --- Profile -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        language = user.language or translation.get_language_from_request(request)
        translation.activate(language)
        messages.success(request, _("Your profile has been saved."))
        response = redirect("account_profile")
        if user.language:
            set_language_cookie(response, user.language)
        else:
            response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
        return response
    return render(request, "advocacy/account/profile.html", {"form": form})


# --- Personal API tokens ---------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """List and create tokens. A new key is shown in this response only, never again."""
    form = ApiTokenCreateForm(request.POST or None)
    created = raw_key = None
    if request.method == "POST" and form.is_valid():
        try:
            created, raw_key = api_token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            for message in exc.message_dict.get("name", exc.messages):
                form.add_error("name", message)
        else:
            form = ApiTokenCreateForm()
    return render(
        request,
        "advocacy/account/api_tokens.html",
        {
            "form": form,
            "tokens": list(api_tokens_of_user(user=request.user)),
            "created": created,
            "raw_key": raw_key,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def api_token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = api_token_revoke(user=request.user, token_id=token_id)
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("account_api_tokens")


# --- Organization home per role --------------------------------------------------


@dataclass(frozen=True)
class Shortcut:
    label: str
    description: str
    url_name: str
    capability: Capability


SHORTCUTS: list[Shortcut] = [
    Shortcut(
        gettext_lazy("Members"),
        gettext_lazy("See who is in the program, change roles and departments."),
        "members_list",
        Capability.VIEW_MEMBERS,
    ),
    Shortcut(
        gettext_lazy("Invite people"),
        gettext_lazy("Send invitations by e-mail and follow the pending ones."),
        "members_invite",
        Capability.MANAGE_MEMBERS,
    ),
    Shortcut(
        gettext_lazy("Departments"),
        gettext_lazy("Group people so content and results can be targeted by team."),
        "departments_list",
        Capability.MANAGE_DEPARTMENTS,
    ),
    Shortcut(
        gettext_lazy("Audit log"),
        gettext_lazy("Every administrative change: who did what, and when."),
        "audit_log",
        Capability.VIEW_AUDIT_LOG,
    ),
]


def home_shortcuts(membership: Membership) -> list[dict[str, Any]]:
    """The administrative pages this member's role opens, for pages that already exist."""
    items = []
    for shortcut in SHORTCUTS:
        if not has_capability(membership, shortcut.capability):
            continue
        try:
            url = reverse(shortcut.url_name, kwargs={"org_slug": membership.organization.slug})
        except NoReverseMatch:
            continue
        items.append({"label": shortcut.label, "description": shortcut.description, "url": url})
    return items


def home_context(membership: Membership) -> dict[str, Any]:
    """What the organization home shows: shortcuts for those who run the program,
    a plain welcome for everyone else."""
    runs_program = bool(capabilities_for(membership.role) - capabilities_for(Role.EMPLOYEE))
    return {"shortcuts": home_shortcuts(membership), "is_employee_home": not runs_program}
