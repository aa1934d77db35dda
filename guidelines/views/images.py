"""Images of a document (admins): upload, delete."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from advocacy.forms.service_errors import form_add_service_errors

from .. import services
from ..forms import ImageUploadForm
from ..models import PolicyDocument, PolicyImage
from .base import MANAGE, GuidelinesPageView
from .editing import render_document_edit


class ImageUploadView(GuidelinesPageView):
    capability = MANAGE
    model = PolicyDocument
    pk_url_kwarg = "document_id"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return redirect(
            "guidelines_document_edit", org_slug=self.organization.slug, document_id=self.object.pk
        )

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = ImageUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                image = services.policy_image_upload(
                    document=self.object,
                    actor=self.membership,
                    upload=form.cleaned_data["image"],
                    alt_text=form.cleaned_data["alt_text"],
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Image uploaded. Paste this into the text: %(snippet)s")
                    % {"snippet": image.markdown_snippet},
                )
                return redirect(
                    "guidelines_document_edit",
                    org_slug=self.organization.slug,
                    document_id=self.object.pk,
                )
        return render_document_edit(self, image_form=form, status=400)


class ImageDeleteView(GuidelinesPageView):
    capability = MANAGE
    model = PolicyImage
    pk_url_kwarg = "image_id"

    def safely_get_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.filter(document=self.document)

    def load_objects(self) -> None:
        self.document = self.document_from_url()
        super().load_objects()

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        services.policy_image_delete(image=self.object, actor=self.membership)
        messages.success(request, _("Image deleted."))
        return redirect(
            "guidelines_document_edit",
            org_slug=self.organization.slug,
            document_id=self.document.pk,
        )
