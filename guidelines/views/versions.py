"""One version of a document (admins): its text, what changed against the previous
published version, and publishing a draft."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from advocacy.forms.service_errors import form_add_service_errors

from .. import selectors, services
from ..diff import document_diff
from ..forms import PublishForm
from ..markdown import render_markdown
from ..models import PolicyVersion
from .base import MANAGE, GuidelinesPageView


class VersionDetailView(GuidelinesPageView):
    capability = MANAGE
    model = PolicyVersion
    pk_url_kwarg = "version_id"

    def safely_get_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.filter(document=self.document).select_related("published_by")

    def load_objects(self) -> None:
        self.document = self.document_from_url()
        super().load_objects()

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self.render_version(PublishForm())

    def render_version(self, form: Form, status: int = 200) -> HttpResponse:
        version: PolicyVersion = self.object
        if version.is_published:
            body = version.rendered_html
        else:
            body = render_markdown(version.body_markdown, organization=self.organization)
        latest = selectors.policy_versions(document=self.document).first()
        previous = selectors.policy_version_previous_published(version=version)
        diff = (
            document_diff(previous.body_markdown, version.body_markdown)
            if previous is not None
            else None
        )
        return render(
            self.request,
            "guidelines/version_detail.html",
            self.get_context_data(
                document=self.document,
                version=version,
                body=mark_safe(body),  # noqa: S308 -- sanitised by render_markdown
                can_publish=not version.is_published
                and latest is not None
                and latest.pk == version.pk,
                form=form,
                previous=previous,
                diff=diff,
            ),
            status=status,
        )


class VersionPublishView(VersionDetailView):
    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return redirect(
            "guidelines_version",
            org_slug=self.organization.slug,
            document_id=self.document.pk,
            version_id=self.object.pk,
        )

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = PublishForm(request.POST)
        if form.is_valid():
            try:
                services.policy_version_publish(
                    version=self.object,
                    actor=self.membership,
                    requires_reacknowledgement=form.cleaned_data["requires_reacknowledgement"],
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Version %(n)s is published.") % {"n": self.object.number}
                )
                return redirect(
                    "guidelines_document",
                    org_slug=self.organization.slug,
                    document_id=self.document.pk,
                )
        return self.render_version(form, status=400)
