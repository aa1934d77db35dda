"""Employees' suggestions: the form to suggest, and the curators' review of one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from advocacy.forms.service_errors import form_add_service_errors
from advocacy.networks import Network
from advocacy.permissions import Capability
from advocacy.tenancy import OrgPageView

from ..forms import (
    DeclineForm,
    SuggestionAcceptForm,
    SuggestionForm,
)
from ..models import (
    Category,
    ContentSuggestion,
)
from ..selectors.review import suggestions_of_member
from ..services.suggestions import suggestion_accept, suggestion_decline, suggestion_submit


class SuggestView(OrgPageView):
    capability = Capability.SUGGEST_CONTENT

    def _render(self, request: HttpRequest, form: SuggestionForm) -> HttpResponse:
        return render(
            request,
            "content_library/suggest.html",
            self.get_context_data(
                form=form,
                mine=suggestions_of_member(membership=self.membership),
            ),
        )

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(request, SuggestionForm())

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = SuggestionForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                suggestion_submit(
                    actor=self.membership,
                    kind=d["kind"],
                    url=d.get("url") or "",
                    title=d.get("title") or "",
                    text=d.get("text") or "",
                    note=d.get("note") or "",
                    image=d.get("image") or None,
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Thank you! The content team will review your suggestion.")
                )
                return redirect("content_suggest", org_slug=self.organization.slug)
        return self._render(request, form)


class SuggestionReviewView(OrgPageView):
    capability = Capability.APPROVE_CONTENT
    model = ContentSuggestion
    pk_url_kwarg = "suggestion_id"

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.select_related("submitted_by__user", "item")

    def _render(
        self, request: HttpRequest, suggestion: ContentSuggestion, accept: Any, decline: Any
    ) -> HttpResponse:
        return render(
            request,
            "content_library/suggestion_review.html",
            self.get_context_data(suggestion=suggestion, accept_form=accept, decline_form=decline),
        )

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        s = self.get_object()
        accept = SuggestionAcceptForm(
            initial={
                "title": s.title or s.url or s.text[:80],
                "body": s.text if s.kind == "link" else "",
                "category": Category.INDUSTRY if s.kind == "link" else Category.CULTURE,
                "language": s.submitted_by.content_language,
                "is_company_content": s.kind != "link",
                "caption": s.text,
            }
        )
        return self._render(request, s, accept, DeclineForm())

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        s = self.get_object()
        accept, decline = SuggestionAcceptForm(), DeclineForm()
        if request.POST.get("action") == "decline":
            decline = DeclineForm(request.POST)
            if decline.is_valid():
                try:
                    suggestion_decline(
                        actor=self.membership, suggestion=s, reason=decline.cleaned_data["reason"]
                    )
                except ValidationError as exc:
                    form_add_service_errors(decline, exc)
                else:
                    messages.success(request, _("Declined; your colleague sees the reason."))
                    return redirect("content_review_queue", org_slug=self.organization.slug)
        else:
            accept = SuggestionAcceptForm(request.POST)
            if accept.is_valid():
                d = accept.cleaned_data
                captions = [(Network.LINKEDIN, d["caption"])] if d.get("caption") else []
                try:
                    item = suggestion_accept(
                        actor=self.membership,
                        suggestion=s,
                        approve=d.get("approve", False),
                        title=d["title"],
                        body=d.get("body") or "",
                        category=d["category"],
                        language=d["language"],
                        is_company_content=d.get("is_company_content", False),
                        captions=captions,
                    )
                except ValidationError as exc:
                    form_add_service_errors(accept, exc)
                else:
                    messages.success(
                        request, _("Added to the library, credited to your colleague.")
                    )
                    return redirect(
                        "content_item", org_slug=self.organization.slug, item_id=item.pk
                    )
        return self._render(request, s, accept, decline)
