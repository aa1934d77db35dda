"""Who has accepted a document (admins): per-member status for its current version,
filtered and in keyset pages, and reminding those who have not accepted yet."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from advocacy.forms.service_errors import service_error_messages
from advocacy.keyset import keyset_links, keyset_page

from .. import selectors, services
from ..forms import AcceptanceFilterForm
from ..models import PolicyDocument
from .base import MANAGE, GuidelinesPageView

PAGE_SIZE = 50


class DocumentAcceptancesView(GuidelinesPageView):
    capability = MANAGE
    model = PolicyDocument
    pk_url_kwarg = "document_id"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        document: PolicyDocument = self.object
        version = selectors.policy_version_latest_published(document=document)
        if version is None:
            raise Http404(_("Not found."))
        form = AcceptanceFilterForm(request.GET or None)
        valid = form.is_bound and form.is_valid()
        if form.is_bound and not valid:
            status_code = 400
            status = ""
        else:
            status_code = 200
            status = form.cleaned_data.get("status", "") if valid else ""
        page = keyset_page(
            selectors.policy_acceptances(document=document, version=version, status=status),
            order=("-id",),
            cursor=request.GET.get("cursor"),
            size=PAGE_SIZE,
            on_invalid="first",
        )
        return render(
            request,
            "guidelines/document_acceptances.html",
            self.get_context_data(
                document=document,
                version=version,
                form=form,
                page=page,
                counts=selectors.policy_acceptance_counts(document=document, version=version),
                **keyset_links(request, page),
            ),
            status=status_code,
        )


class DocumentRemindView(GuidelinesPageView):
    """POST: e-mail everyone who has not accepted the current version yet (once a day)."""

    capability = MANAGE
    model = PolicyDocument
    pk_url_kwarg = "document_id"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return redirect(
            "guidelines_document_acceptances",
            org_slug=self.organization.slug,
            document_id=self.object.pk,
        )

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            sent = services.policy_reminders_send(actor=self.membership, document=self.object)
        except ValidationError as exc:
            for message in service_error_messages(exc):
                messages.error(request, message)
        else:
            if sent:
                messages.success(
                    request,
                    ngettext(
                        "A reminder was sent to %(n)d member.",
                        "Reminders were sent to %(n)d members.",
                        sent,
                    )
                    % {"n": sent},
                )
            else:
                messages.info(
                    request,
                    _("Nobody to remind: everyone has accepted or was reminded today."),
                )
        return redirect(
            "guidelines_document_acceptances",
            org_slug=self.organization.slug,
            document_id=self.object.pk,
        )
