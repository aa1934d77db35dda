"""Guidelines pages under ``/o/<org_slug>/guidelines/``: documents for everyone, their
administration, caption rules and the live caption checker."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from advocacy.forms.service_errors import form_add_service_errors
from advocacy.networks import MAX_CAPTION_LENGTH, Network
from advocacy.permissions import Capability
from advocacy.redirects import safe_next_url
from advocacy.tenancy import OrgPageView, access_by_id

from . import selectors, services
from .checker import check_caption, has_blocking
from .forms import (
    CheckForm,
    DocumentCreateForm,
    DocumentEditForm,
    ImageUploadForm,
    PublishForm,
    RuleForm,
)
from .markdown import render_markdown
from .models import GuidelineRule, PolicyDocument, PolicyImage, PolicyVersion

MANAGE = Capability.MANAGE_GUIDELINES
_TARGET_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,99}$")


class GuidelinesPageView(OrgPageView):
    """Loads the objects named in the URL before anything else, so that a foreign or
    missing id answers 404 whatever the HTTP method."""

    def load_objects(self) -> None:
        if self.model is not None and self.pk_url_kwarg in self.kwargs:
            self.object = self.get_object()

    def document_from_url(self) -> PolicyDocument:
        return access_by_id(
            PolicyDocument, organization=self.organization, pk=self.kwargs.get("document_id")
        )


# --- Documents for everyone ----------------------------------------------------


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
            services.policy_acknowledge(membership=self.membership, version=version)
        except ValidationError as exc:
            for message in exc.messages:
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


# --- Document administration -----------------------------------------------------


class DocumentCreateView(GuidelinesPageView):
    capability = MANAGE

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(DocumentCreateForm())

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = DocumentCreateForm(request.POST)
        if form.is_valid():
            try:
                document = services.policy_document_create(
                    organization=self.organization, actor=request.user, **form.cleaned_data
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
                    actor=request.user,
                    title=data["title"],
                    contact_name=data["contact_name"],
                    contact_email=data["contact_email"],
                )
                draft = services.policy_version_draft_save(
                    document=document, actor=request.user, body_markdown=data["body_markdown"]
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
                    actor=request.user,
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
                    actor=request.user,
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
        services.policy_image_delete(image=self.object, actor=request.user)
        messages.success(request, _("Image deleted."))
        return redirect(
            "guidelines_document_edit",
            org_slug=self.organization.slug,
            document_id=self.document.pk,
        )


# --- Caption rules ----------------------------------------------------------------


class RuleListView(GuidelinesPageView):
    capability = MANAGE

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        rules = list(selectors.guideline_rules(organization=self.organization))
        return render(
            request,
            "guidelines/rule_list.html",
            self.get_context_data(
                rules=rules,
                limits=[(Network(n).label, limit) for n, limit in MAX_CAPTION_LENGTH.items()],
            ),
        )


def _rule_fields(form: Form) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "kind": data["kind"],
        "networks": list(data["networks"]),
        "pattern": data["pattern"],
        "replacement": data["replacement"],
        "max_length": data["max_length"],
        "severity": data["severity"],
        "message": data["message"],
    }


class RuleCreateView(GuidelinesPageView):
    capability = MANAGE

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(RuleForm(initial={"kind": request.GET.get("kind", "")}))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = RuleForm(request.POST)
        if form.is_valid():
            try:
                services.guideline_rule_create(
                    organization=self.organization, actor=request.user, **_rule_fields(form)
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("Rule added."))
                return redirect("guidelines_rules", org_slug=self.organization.slug)
        return self._render(form, status=400)

    def _render(self, form: Form, status: int = 200) -> HttpResponse:
        return render(
            self.request,
            "guidelines/rule_form.html",
            self.get_context_data(form=form, rule=None),
            status=status,
        )


class RuleEditView(GuidelinesPageView):
    capability = MANAGE
    model = GuidelineRule
    pk_url_kwarg = "rule_id"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(RuleForm.for_rule(self.object))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = RuleForm(request.POST)
        if form.is_valid():
            try:
                services.guideline_rule_update(
                    rule=self.object, actor=request.user, **_rule_fields(form)
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("Rule saved."))
                return redirect("guidelines_rules", org_slug=self.organization.slug)
        return self._render(form, status=400)

    def _render(self, form: Form, status: int = 200) -> HttpResponse:
        return render(
            self.request,
            "guidelines/rule_form.html",
            self.get_context_data(form=form, rule=self.object),
            status=status,
        )


class RuleToggleView(GuidelinesPageView):
    capability = MANAGE
    model = GuidelineRule
    pk_url_kwarg = "rule_id"

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        rule = services.guideline_rule_set_active(
            rule=self.object, actor=request.user, is_active=not self.object.is_active
        )
        messages.success(request, _("Rule turned on.") if rule.is_active else _("Rule turned off."))
        return redirect("guidelines_rules", org_slug=self.organization.slug)


class RuleDeleteView(GuidelinesPageView):
    capability = MANAGE
    model = GuidelineRule
    pk_url_kwarg = "rule_id"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return render(
            request,
            "guidelines/rule_confirm_delete.html",
            self.get_context_data(rule=self.object),
        )

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        services.guideline_rule_delete(rule=self.object, actor=request.user)
        messages.success(request, _("Rule deleted."))
        return redirect("guidelines_rules", org_slug=self.organization.slug)


# --- The live checker ------------------------------------------------------------


class CaptionCheckView(GuidelinesPageView):
    """htmx endpoint of ``guidelines/_caption_checker.html``: POST the caption (in ``text``
    or in the field named by ``field``) and ``network``; answers the findings partial."""

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        field_name = request.POST.get("field") or "text"
        data = {
            "text": request.POST.get(field_name, ""),
            "network": request.POST.get("network", ""),
        }
        form = CheckForm(data)
        if not form.is_valid():
            return HttpResponse(
                _("Choose a network and write a caption."), status=400, content_type="text/plain"
            )
        text = form.cleaned_data["text"]
        network = form.cleaned_data["network"] or None
        findings = check_caption(self.organization, network, text)
        target = request.POST.get("target", "")
        return render(
            request,
            "guidelines/_caption_findings.html",
            {
                "findings": [f.as_dict(text) for f in findings],
                "blocking": has_blocking(findings),
                "target": target if _TARGET_ID.match(target) else "",
                "length": len(text),
                "limit": MAX_CAPTION_LENGTH.get(network or ""),
            },
        )
