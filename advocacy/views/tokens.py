"""Personal API tokens: list and create (a new key is shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ..forms.service_errors import form_add_service_errors
from ..forms.tokens import ApiTokenCreateForm
from ..request_types import AuthenticatedHttpRequest
from ..selectors import api_tokens_of_user
from ..services.tokens import api_token_create, api_token_revoke, api_tokens_revoke_all


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List and create tokens. A new key is shown in this response only, never again."""
    form = ApiTokenCreateForm(request.POST or None)
    created = raw_key = None
    if request.method == "POST" and form.is_valid():
        try:
            created, raw_key = api_token_create(actor=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            form_add_service_errors(form, exc)
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
def api_token_revoke_view(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    token = api_token_revoke(actor=request.user, token_id=token_id)
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("account_api_tokens")


@login_required
@require_POST
def api_tokens_revoke_all_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = api_tokens_revoke_all(actor=request.user)
    messages.success(
        request,
        ngettext("%(count)d token has been revoked.", "%(count)d tokens have been revoked.", count)
        % {"count": count},
    )
    return redirect("account_api_tokens")
