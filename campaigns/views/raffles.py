"""Pages of raffles.

In the organization (``/o/<org_slug>/raffles/``, managers): the list, a new raffle, one
raffle with its entries by name, and the close and draw buttons.

Public (``/raffles/<public_id>/``, no sign-in, no organization in the URL, like the tracked
link ``/s/<code>``): the published values and how to check the draw, the same values as
JSON (``proof.json``), and the standalone checking script itself (``/raffles/raffle_verify.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from advocacy.forms.service_errors import form_add_service_errors, service_error_messages
from advocacy.permissions import Capability
from advocacy.tenancy import OrgPageView

from ..forms.raffles import RaffleDrawForm, RaffleForm
from ..models import Raffle, RaffleStatus
from ..selectors import raffles as sel
from ..services import raffles as services

MANAGE = Capability.MANAGE_CAMPAIGNS
SCRIPT_PATH = Path(settings.BASE_DIR) / "scripts" / "raffle_verify.py"


class RafflePageView(OrgPageView):
    capability = MANAGE
    model = Raffle
    pk_url_kwarg = "raffle_id"

    def load_objects(self) -> None:
        if self.pk_url_kwarg in self.kwargs:
            self.object = self.get_object()


class RaffleListView(RafflePageView):
    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        raffles = list(sel.raffles_of_org(organization=self.organization)[:200])
        return render(
            request, "campaigns/raffles/list.html", self.get_context_data(raffles=raffles)
        )


class RaffleCreateView(RafflePageView):
    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        initial = {"campaign": request.GET.get("campaign") or None}
        return self._render(RaffleForm(organization=self.organization, initial=initial))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = RaffleForm(request.POST, organization=self.organization)
        if form.is_valid():
            try:
                raffle = services.raffle_create(actor=self.membership, **form.cleaned_data)
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("Raffle created; its commitment is published."))
                return redirect(
                    "raffle_detail", org_slug=self.organization.slug, raffle_id=raffle.pk
                )
        return self._render(form, status=400)

    def _render(self, form: RaffleForm, status: int = 200) -> HttpResponse:
        return render(
            self.request,
            "campaigns/raffles/form.html",
            self.get_context_data(form=form),
            status=status,
        )


class RaffleDetailView(RafflePageView):
    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self.render_detail(RaffleDrawForm())

    def render_detail(self, draw_form: RaffleDrawForm, status: int = 200) -> HttpResponse:
        raffle = self.object
        entries = sel.raffle_entries_named(raffle) if raffle.status != RaffleStatus.OPEN else []
        return render(
            self.request,
            "campaigns/raffles/detail.html",
            self.get_context_data(
                raffle=raffle,
                proof=sel.raffle_proof(raffle),
                entries=entries,
                winners=sorted((e for e in entries if e.rank), key=lambda e: e.rank or 0),
                total_tickets=sum(e.tickets for e in entries),
                draw_form=draw_form,
                public_url=self.request.build_absolute_uri(
                    reverse("raffle_public", args=[raffle.public_id])
                ),
            ),
            status=status,
        )


class RaffleCloseView(RafflePageView):
    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            raffle = services.raffle_close(actor=self.membership, raffle=self.object)
        except ValidationError as exc:
            for message in service_error_messages(exc):
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Raffle closed: %(count)d entries frozen and published.")
                % {"count": raffle.entries.count()},
            )
        return redirect("raffle_detail", org_slug=self.organization.slug, raffle_id=self.object.pk)


class RaffleDrawView(RaffleDetailView):
    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return redirect("raffle_detail", org_slug=self.organization.slug, raffle_id=self.object.pk)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = RaffleDrawForm(request.POST)
        if form.is_valid():
            try:
                services.raffle_draw_winners(
                    actor=self.membership,
                    raffle=self.object,
                    public_value=form.cleaned_data["public_value"],
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("Raffle drawn; the seed is revealed."))
                return redirect(
                    "raffle_detail", org_slug=self.organization.slug, raffle_id=self.object.pk
                )
        self.object.refresh_from_db()
        return self.render_detail(form, status=400)


# --- Public ------------------------------------------------------------------------------


def _public_raffle(public_id: Any) -> Raffle:
    raffle = sel.raffle_by_public_id(public_id)
    if raffle is None:
        raise Http404
    return raffle


def _public_headers(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-cache"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_safe
def raffle_public(request: HttpRequest, public_id: Any) -> HttpResponse:
    raffle = _public_raffle(public_id)
    proof = sel.raffle_proof(raffle)
    page_url = request.build_absolute_uri(reverse("raffle_public", args=[raffle.public_id]))
    return _public_headers(
        render(
            request,
            "campaigns/raffles/public.html",
            {
                "raffle": raffle,
                "proof": proof,
                "organization_name": raffle.organization.name,
                "page_url": page_url,
                "proof_url": request.build_absolute_uri(
                    reverse("raffle_public_proof", args=[raffle.public_id])
                ),
                "script_url": request.build_absolute_uri(reverse("raffle_verify_script")),
            },
        )
    )


@require_safe
def raffle_public_proof(request: HttpRequest, public_id: Any) -> HttpResponse:
    raffle = _public_raffle(public_id)
    response = JsonResponse(
        sel.raffle_proof(raffle),
        encoder=DjangoJSONEncoder,
        json_dumps_params={"indent": 2, "ensure_ascii": False},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return _public_headers(response)


@require_safe
def raffle_verify_script(request: HttpRequest) -> HttpResponse:
    """The standalone checker, so that a raffle's public page is all anyone needs."""
    try:
        script = SCRIPT_PATH.read_bytes()
    except FileNotFoundError as exc:  # an installation without the repository's scripts/
        raise Http404 from exc
    response = HttpResponse(script, content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="raffle_verify.py"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


__all__ = [
    "RaffleCloseView",
    "RaffleCreateView",
    "RaffleDetailView",
    "RaffleDrawView",
    "RaffleListView",
    "raffle_public",
    "raffle_public_proof",
    "raffle_verify_script",
]
