"""The curators' library: the list of all items, its settings, and topics."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from advocacy.forms.service_errors import form_add_service_errors
from advocacy.permissions import Capability
from advocacy.tenancy import OrgPageView

from ..forms import (
    LibrarySettingsForm,
    TopicForm,
)
from ..models import Topic
from ..selectors.library import library_page
from ..services.library_settings import library_settings_for, library_settings_update
from ..services.topics import topic_create, topic_delete
from .base import filter_context, filters_from_request


class LibraryView(OrgPageView):
    capability = Capability.MANAGE_CONTENT

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        filters, valid = filters_from_request(request)
        page = library_page(
            organization=self.organization,
            filters=filters,
            cursor=request.GET.get("cursor"),
        )
        next_url = None
        if page.next_cursor:
            params: dict[str, str] = {
                k: str(v) for k, v in request.GET.items() if k != "cursor" and v and valid
            }
            params["cursor"] = page.next_cursor
            next_url = f"{request.path}?{urlencode(params)}"
        lib_settings = library_settings_for(self.organization)
        ctx = self.get_context_data(
            items=page.items,
            next_url=next_url,
            settings_form=LibrarySettingsForm(
                initial={
                    "reapproval_on_edit": lib_settings.reapproval_on_edit,
                    "require_second_reviewer": lib_settings.require_second_reviewer,
                }
            ),
            can_approve=self.can(Capability.APPROVE_CONTENT),
            **filter_context(self.organization, filters),
        )
        return render(request, "content_library/library.html", ctx, status=200 if valid else 400)


class LibrarySettingsView(OrgPageView):
    capability = Capability.APPROVE_CONTENT

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = LibrarySettingsForm(request.POST)
        form.is_valid()
        library_settings_update(
            actor=self.membership,
            reapproval_on_edit=bool(form.cleaned_data.get("reapproval_on_edit")),
            require_second_reviewer=bool(form.cleaned_data.get("require_second_reviewer")),
        )
        messages.success(request, _("Saved."))
        return redirect(reverse("content_library", kwargs={"org_slug": self.organization.slug}))


class TopicsView(OrgPageView):
    capability = Capability.MANAGE_CONTENT

    def _render(self, request: HttpRequest, form: TopicForm) -> HttpResponse:
        return render(
            request,
            "content_library/topics.html",
            self.get_context_data(
                form=form,
                topics=list(Topic.objects.for_org(self.organization).order_by("name")[:500]),
            ),
        )

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(request, TopicForm())

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = TopicForm(request.POST)
        if form.is_valid():
            try:
                topic_create(actor=self.membership, name=form.cleaned_data["name"])
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("Topic added."))
                return redirect("content_topics", org_slug=self.organization.slug)
        return self._render(request, form)


class TopicDeleteView(OrgPageView):
    capability = Capability.MANAGE_CONTENT
    model = Topic
    pk_url_kwarg = "topic_id"

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        topic_delete(actor=self.membership, topic=self.get_object())
        messages.success(request, _("Topic removed."))
        return redirect("content_topics", org_slug=self.organization.slug)
