"""Document administration: create a document, edit its details and draft, preview."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from advocacy.forms.service_errors import form_add_service_errors

from .. import selectors, services
from ..forms import DocumentCreateForm, DocumentEditForm, ImageUploadForm
from ..markdown import render_markdown
from ..models import PolicyDocument
from .base import MANAGE, GuidelinesPageView


class DocumentCreateView(GuidelinesPageView):
    capability = MANAGE

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(DocumentCreateForm())

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = DocumentCreateForm(request.POST)
        if form.is_valid():
            try:
                document = services.policy_document_create(
                    actor=self.membership, **form.cleaned_data
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("Document created as a draft."))
                return redirect(
                    "guidelines_document_edit",
                    org_slug=self.organization.slug,
                    document_id=document.pk,
                )
        return self._render(form, status=400)

    def _render(self, form: Form, status: int = 200) -> HttpResponse:
        return render(
            self.request,
            "guidelines/document_create.html",
            self.get_context_data(form=form),
            status=status,
        )


class DocumentEditView(GuidelinesPageView):
    capability = MANAGE
    model = PolicyDocument
    pk_url_kwarg = "document_id"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return render_document_edit(self)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        document: PolicyDocument = self.object
        form = DocumentEditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.policy_document_update(
                    document=document,
                    actor=self.membership,
                    title=data["title"],
                    contact_name=data["contact_name"],
                    contact_email=data["contact_email"],
                )
                draft = services.policy_version_draft_save(
                    document=document, actor=self.membership, body_markdown=data["body_markdown"]
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("Draft saved."))
                if "preview" in request.POST:
                    return redirect(
                        "guidelines_version",
                        org_slug=self.organization.slug,
                        document_id=document.pk,
                        version_id=draft.pk,
                    )
                return redirect(
                    "guidelines_document_edit",
                    org_slug=self.organization.slug,
                    document_id=document.pk,
                )
        return render_document_edit(self, form=form, status=400)


def render_document_edit(
    view: GuidelinesPageView,
    *,
    form: Form | None = None,
    image_form: Form | None = None,
    status: int = 200,
) -> HttpResponse:
    document: PolicyDocument = view.object
    draft = selectors.policy_version_draft(document=document)
    published = selectors.policy_version_latest_published(document=document)
    if form is None:
        source = draft or published
        form = DocumentEditForm(
            initial={
                "title": document.title,
                "contact_name": document.contact_name,
                "contact_email": document.contact_email,
                "body_markdown": source.body_markdown if source else "",
            }
        )
    return render(
        view.request,
        "guidelines/document_edit.html",
        view.get_context_data(
            document=document,
            form=form,
            image_form=image_form or ImageUploadForm(),
            draft=draft,
            published=published,
            versions=list(selectors.policy_versions(document=document)),
            images=list(selectors.policy_images(document=document)),
        ),
        status=status,
    )


class DocumentPreviewView(GuidelinesPageView):
    """htmx: the sanitised HTML of the Markdown being edited."""

    capability = MANAGE
    model = PolicyDocument
    pk_url_kwarg = "document_id"

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        html = render_markdown(
            request.POST.get("body_markdown", ""), organization=self.organization
        )
        return render(
            request,
            "guidelines/_preview.html",
            {"body": mark_safe(html)},  # noqa: S308 -- sanitised by render_markdown
        )
