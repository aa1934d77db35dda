"""Creating and editing library items."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from advocacy.forms.service_errors import form_add_service_errors
from advocacy.permissions import Capability
from advocacy.tenancy import OrgPageView

from ..forms import ContentItemForm
from ..models import (
    ContentItem,
    Status,
)
from ..selectors.library import audience_of
from ..services.items import (
    content_item_create,
    content_item_update,
)


class ItemCreateView(OrgPageView):
    capability = Capability.MANAGE_CONTENT

    def _translation_of(self, request: HttpRequest) -> ContentItem | None:
        from advocacy.tenancy import access_by_id

        raw = request.GET.get("translation_of") or request.POST.get("translation_of")
        if not raw:
            return None
        return access_by_id(ContentItem, organization=self.organization, pk=raw)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        source = self._translation_of(request)
        initial: dict[str, Any] = {
            "language": self.organization.default_language,
            "is_company_content": True,
            "captions_editable": True,
            "priority": 0,
        }
        if source is not None:
            initial = ContentItemForm.initial_for(source, audience_of(source))
            initial["language"] = ""
        form = ContentItemForm(organization=self.organization, initial=initial)
        return self._render(request, form, source)

    def _render(
        self, request: HttpRequest, form: ContentItemForm, source: ContentItem | None
    ) -> HttpResponse:
        return render(
            request,
            "content_library/item_form.html",
            self.get_context_data(form=form, item=None, translation_of=source),
        )

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        source = self._translation_of(request)
        form = ContentItemForm(request.POST, request.FILES, organization=self.organization)
        if form.is_valid():
            images = []
            if form.cleaned_data.get("image"):
                images = [(form.cleaned_data["image"], form.cleaned_data.get("image_alt", ""))]
            try:
                item = content_item_create(
                    actor=self.membership,
                    images=images,
                    translation_of=source,
                    **form.service_kwargs(),
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("Draft saved."))
                return redirect("content_item", org_slug=self.organization.slug, item_id=item.pk)
        return self._render(request, form, source)


class ItemEditView(OrgPageView):
    capability = Capability.MANAGE_CONTENT
    model = ContentItem
    pk_url_kwarg = "item_id"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        item = self.get_object()
        form = ContentItemForm(
            organization=self.organization,
            item=item,
            initial=ContentItemForm.initial_for(item, audience_of(item)),
        )
        return self._render(request, form, item)

    def _render(
        self, request: HttpRequest, form: ContentItemForm, item: ContentItem
    ) -> HttpResponse:
        return render(
            request, "content_library/item_form.html", self.get_context_data(form=form, item=item)
        )

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        item = self.get_object()
        form = ContentItemForm(
            request.POST, request.FILES, organization=self.organization, item=item
        )
        if form.is_valid():
            kwargs_ = form.service_kwargs()
            add = []
            if form.cleaned_data.get("image"):
                add = [(form.cleaned_data["image"], form.cleaned_data.get("image_alt", ""))]
            try:
                item = content_item_update(
                    actor=self.membership,
                    item=item,
                    add_images=add,
                    remove_image_ids=[i.pk for i in form.cleaned_data.get("remove_images") or []],
                    **kwargs_,
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                if item.status == Status.IN_REVIEW:
                    messages.success(request, _("Saved. The item is in review."))
                else:
                    messages.success(request, _("Saved."))
                return redirect("content_item", org_slug=self.organization.slug, item_id=item.pk)
        return self._render(request, form, item)
