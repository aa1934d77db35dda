"""Documents for every member: the list, one document (with what changed since the
version they accepted) and accepting it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from advocacy.forms.service_errors import service_error_messages
from advocacy.redirects import safe_next_url

from .. import selectors, services
from ..diff import document_diff
from ..models import PolicyDocument
from .base import MANAGE, GuidelinesPageView


class DocumentListView(GuidelinesPageView):
    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        is_admin = self.can(MANAGE)
        documents = list(
            selectors.policy_documents(organization=self.organization, include_drafts=is_admin)
        )
        pending = selectors.policy_acknowledgement_required(membership=self.membership)
        return render(
            request,
            "guidelines/document_list.html",
            self.get_context_data(documents=documents, pending=pending, is_admin=is_admin),
        )


class DocumentDetailView(GuidelinesPageView):
    model = PolicyDocument
    pk_url_kwarg = "document_id"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        document: PolicyDocument = self.object
        is_admin = self.can(MANAGE)
        published = selectors.policy_version_latest_published(document=document)
        if published is None and not is_admin:
            raise Http404(_("Not found."))
        pending = selectors.policy_acknowledgement_required(membership=self.membership)
        must_accept = pending is not None and published is not None and pending.pk == published.pk
        accepted = (
            published is not None
            and not must_accept
            and selectors.policy_acknowledged(membership=self.membership, version=published)
        )
        # A re-acceptance: show what changed since the version the member accepted.
        accepted_before = None
        diff = None
        if (
            must_accept
            and pending is not None
            and published is not None
            and pending.accepted_number is not None
        ):
            accepted_before = selectors.policy_version_by_number(
                document=document, number=pending.accepted_number
            )
            if accepted_before is not None:
                diff = document_diff(accepted_before.body_markdown, published.body_markdown)
        return render(
            request,
            "guidelines/document_detail.html",
            self.get_context_data(
                document=document,
                published=published,
                body=mark_safe(published.rendered_html) if published else "",  # noqa: S308 -- sanitised at publish
                must_accept=must_accept,
                accepted=accepted,
                draft=selectors.policy_version_draft(document=document) if is_admin else None,
                is_admin=is_admin,
                next_url=safe_next_url(request, request.GET.get("next")) or "",
                accepted_before=accepted_before,
                diff=diff,
            ),
        )


class DocumentAcknowledgeView(GuidelinesPageView):
    model = PolicyDocument
    pk_url_kwarg = "document_id"

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        document: PolicyDocument = self.object
        version = selectors.policy_version_latest_published(document=document)
        if version is None:
            raise Http404(_("Not found."))
        try:
            services.policy_acknowledge(actor=self.membership, version=version)
        except ValidationError as exc:
            for message in service_error_messages(exc):
                messages.error(request, message)
        else:
            messages.success(
                request, _("Thank you: you have accepted “%(title)s”.") % {"title": document.title}
            )
        next_url = safe_next_url(request, request.POST.get("next"))
        if next_url:
            return HttpResponseRedirect(next_url)
        return redirect(
            "guidelines_document", org_slug=self.organization.slug, document_id=document.pk
        )
