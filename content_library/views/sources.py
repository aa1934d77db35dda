"""RSS/Atom feed sources: the list with the form to add one, and one source."""

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

from ..forms import FeedSourceForm
from ..models import FeedSource
from ..selectors.sources import feed_sources
from ..services.sources import (
    feed_source_create,
    feed_source_delete,
    feed_source_request_import,
    feed_source_update,
)


class SourcesView(OrgPageView):
    capability = Capability.MANAGE_CONTENT

    def _render(self, request: HttpRequest, form: FeedSourceForm) -> HttpResponse:
        return render(
            request,
            "content_library/sources.html",
            self.get_context_data(form=form, sources=feed_sources(organization=self.organization)),
        )

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(
            request, FeedSourceForm(initial={"language": self.organization.default_language})
        )

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = FeedSourceForm(request.POST)
        if form.is_valid():
            try:
                feed_source_create(actor=self.membership, **form.cleaned_data)
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("Source added. New entries arrive as drafts."))
                return redirect("content_sources", org_slug=self.organization.slug)
        return self._render(request, form)


class SourceDetailView(OrgPageView):
    capability = Capability.MANAGE_CONTENT
    model = FeedSource
    pk_url_kwarg = "source_id"

    def _render(
        self, request: HttpRequest, source: FeedSource, form: FeedSourceForm
    ) -> HttpResponse:
        return render(
            request,
            "content_library/source_detail.html",
            self.get_context_data(source=source, form=form),
        )

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        source = self.get_object()
        form = FeedSourceForm(initial={f: getattr(source, f) for f in FeedSourceForm.base_fields})
        return self._render(request, source, form)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        source = self.get_object()
        action = request.POST.get("action", "save")
        slug = self.organization.slug
        if action == "delete":
            feed_source_delete(actor=self.membership, source=source)
            messages.success(request, _("Source removed; items already imported stay."))
            return redirect("content_sources", org_slug=slug)
        if action == "import":
            feed_source_request_import(actor=self.membership, source=source)
            messages.success(request, _("Import started; new entries arrive as drafts."))
            return redirect("content_source", org_slug=slug, source_id=source.pk)
        form = FeedSourceForm(request.POST)
        if form.is_valid():
            try:
                feed_source_update(actor=self.membership, source=source, **form.cleaned_data)
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("content_sources", org_slug=slug)
        return self._render(request, source, form)
