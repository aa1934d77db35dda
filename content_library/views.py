"""Pages of the content library: the employee feed, item pages, the curators' library,
review queue, suggestions, RSS sources and topics. Thin: forms in, services and
selectors do the work."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from advocacy.networks import Network
from advocacy.permissions import Capability
from advocacy.tenancy import OrgPageView

from . import selectors, services
from .forms import (
    ContentItemForm,
    DeclineForm,
    FeedSourceForm,
    LibrarySettingsForm,
    ReturnForm,
    SuggestionAcceptForm,
    SuggestionForm,
    TopicForm,
)
from .models import (
    Category,
    ContentItem,
    ContentSuggestion,
    FeedSource,
    Kind,
    Status,
    Topic,
)


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target, e)
    else:
        for e in exc.messages:
            form.add_error(None, e)


def _filter_context(organization: Any, filters: selectors.ItemFilters) -> dict[str, Any]:
    return {
        "filters": filters,
        "categories": Category.choices,
        "kinds": Kind.choices,
        "statuses": [*Status.choices, ("scheduled", _("Scheduled")), ("expired", _("Expired"))],
        "topics": list(Topic.objects.for_org(organization).order_by("name")[:200]),
    }


def _cards(items: list[ContentItem]) -> list[dict[str, Any]]:
    return [
        {
            "item": item,
            "image": selectors.card_image_url(item),
            "networks": [Network(n).label for n in selectors.item_networks(item)],
            "caption": next(iter(item.captions.all()), None),
            "colleagues": selectors.colleagues_shared(item),
            "shared_by_me": getattr(item, "shared_by_me", False),
        }
        for item in items
    ]


class FeedView(OrgPageView):
    """Approved, in-window content for this member; infinite scroll with htmx."""

    capability = Capability.VIEW_FEED

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        filters = selectors.ItemFilters.from_params(request.GET)
        try:
            page = selectors.feed_page(
                membership=self.membership,
                cursor=request.GET.get("cursor"),
                page_size=_int(request.GET.get("page_size"), selectors.DEFAULT_PAGE_SIZE),
                filters=filters,
            )
        except ValueError:
            page = selectors.feed_page(membership=self.membership, filters=filters)
        next_url = None
        if page.next_cursor:
            params = {k: v for k, v in request.GET.items() if k != "cursor" and v}
            params["cursor"] = page.next_cursor
            next_url = f"{request.path}?{urlencode(params)}"
        ctx = self.get_context_data(
            cards=_cards(page.items),
            next_url=next_url,
            **_filter_context(self.organization, filters),
        )
        if request.headers.get("HX-Request"):
            return render(request, "content_library/_feed_cards.html", ctx)
        return render(request, "content_library/feed.html", ctx)


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class ItemDetailView(OrgPageView):
    """The full item: preview, every caption alternative, reminders and my share history."""

    capability = Capability.VIEW_FEED
    model = ContentItem
    pk_url_kwarg = "item_id"

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        return selectors.items_for_member(membership=self.membership)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        item = self.get_object()
        item = selectors.with_card_data([item])[0]
        captions_by_network: dict[str, list[Any]] = {}
        for c in item.captions.all():
            captions_by_network.setdefault(Network(c.network).label, []).append(c)
        from guidelines.selectors import policy_acknowledgement_required

        ctx = self.get_context_data(
            item=item,
            image=selectors.card_image_url(item),
            suits_networks=[Network(n).label for n in selectors.item_networks(item)],
            network_choices=Network.choices,
            captions_by_network=captions_by_network,
            reminders=selectors.guideline_reminders(item=item),
            policy_pending=policy_acknowledgement_required(membership=self.membership),
            preview_poll_next=_next_preview_poll(request),
            share_mark=selectors.share_mark_of(item=item, membership=self.membership),
            can_manage=self.can(Capability.MANAGE_CONTENT),
            can_approve=self.can(Capability.APPROVE_CONTENT),
        )
        if ctx["can_manage"]:
            ctx["revisions"] = selectors.item_revisions(item=item)
            ctx["variants"] = selectors.language_variants(item=item)
            ctx["return_form"] = ReturnForm()
        return render(request, "content_library/item_detail.html", ctx)


#: While a link preview is being fetched the item page re-reads its preview card every two
#: seconds (htmx), at most this many times, so a stalled worker does not poll forever.
PREVIEW_POLLS = 30


def _next_preview_poll(request: HttpRequest) -> int | None:
    done = max(_int(request.GET.get("poll"), 0), 0)
    return done + 1 if done < PREVIEW_POLLS else None


class LibraryView(OrgPageView):
    capability = Capability.MANAGE_CONTENT

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        filters = selectors.ItemFilters.from_params(request.GET)
        items, next_before = selectors.library_page(
            organization=self.organization,
            filters=filters,
            before_id=_int(request.GET.get("before"), 0) or None,
        )
        next_url = None
        if next_before:
            params = {k: v for k, v in request.GET.items() if k != "before" and v}
            params["before"] = next_before
            next_url = f"{request.path}?{urlencode(params)}"
        ctx = self.get_context_data(
            items=items,
            next_url=next_url,
            settings_form=LibrarySettingsForm(
                initial={
                    "reapproval_on_edit": services.library_settings_for(
                        self.organization
                    ).reapproval_on_edit
                }
            ),
            can_approve=self.can(Capability.APPROVE_CONTENT),
            **_filter_context(self.organization, filters),
        )
        return render(request, "content_library/library.html", ctx)


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
            initial = ContentItemForm.initial_for(source, services.audience_of(source))
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
                item = services.content_item_create(
                    actor=self.membership,
                    images=images,
                    translation_of=source,
                    **form.service_kwargs(),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
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
            initial=ContentItemForm.initial_for(item, services.audience_of(item)),
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
                item = services.content_item_update(
                    actor=self.membership,
                    item=item,
                    add_images=add,
                    remove_image_ids=[i.pk for i in form.cleaned_data.get("remove_images") or []],
                    **kwargs_,
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                if item.status == Status.IN_REVIEW:
                    messages.success(request, _("Saved. The item is in review."))
                else:
                    messages.success(request, _("Saved."))
                return redirect("content_item", org_slug=self.organization.slug, item_id=item.pk)
        return self._render(request, form, item)


class ItemActionView(OrgPageView):
    """POST ``action`` = submit | approve | return | archive | restore | pin | unpin | preview.
    The services check the capability of each action (approve needs APPROVE_CONTENT)."""

    capability = Capability.MANAGE_CONTENT
    model = ContentItem
    pk_url_kwarg = "item_id"

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        item = self.get_object()
        action = request.POST.get("action", "")
        m = self.membership
        done = {
            "submit": (
                lambda: services.content_item_submit(actor=m, item=item),
                _("Sent to review."),
            ),
            "approve": (lambda: services.content_item_approve(actor=m, item=item), _("Approved.")),
            "return": (
                lambda: services.content_item_return_to_draft(
                    actor=m, item=item, reason=request.POST.get("reason", "")
                ),
                _("Sent back to draft."),
            ),
            "archive": (lambda: services.content_item_archive(actor=m, item=item), _("Archived.")),
            "restore": (
                lambda: services.content_item_restore(actor=m, item=item),
                _("Restored as a draft."),
            ),
            "pin": (
                lambda: services.content_item_set_pin(actor=m, item=item, pinned=True),
                _("Pinned."),
            ),
            "unpin": (
                lambda: services.content_item_set_pin(actor=m, item=item, pinned=False),
                _("Unpinned."),
            ),
            "preview": (
                lambda: services.content_item_request_preview(actor=m, item=item),
                _("The preview is being fetched."),
            ),
        }
        if action not in done:
            messages.error(request, _("Unknown action."))
        else:
            fn, message = done[action]
            try:
                fn()
            except ValidationError as exc:
                for msg in exc.messages:
                    messages.error(request, msg)
            else:
                messages.success(request, message)
        back = request.POST.get("next") or ""
        if back.startswith(f"/o/{self.organization.slug}/"):
            return redirect(back)
        return redirect("content_item", org_slug=self.organization.slug, item_id=item.pk)


class ReviewQueueView(OrgPageView):
    capability = Capability.MANAGE_CONTENT

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        queue = selectors.review_queue(organization=self.organization)
        return render(
            request,
            "content_library/review_queue.html",
            self.get_context_data(
                items=queue["items"],
                suggestions=queue["suggestions"],
                can_approve=self.can(Capability.APPROVE_CONTENT),
            ),
        )


class SuggestView(OrgPageView):
    capability = Capability.SUGGEST_CONTENT

    def _render(self, request: HttpRequest, form: SuggestionForm) -> HttpResponse:
        return render(
            request,
            "content_library/suggest.html",
            self.get_context_data(
                form=form,
                mine=selectors.suggestions_of_member(membership=self.membership),
            ),
        )

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(request, SuggestionForm())

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = SuggestionForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.suggestion_submit(
                    actor=self.membership,
                    kind=d["kind"],
                    url=d.get("url") or "",
                    title=d.get("title") or "",
                    text=d.get("text") or "",
                    note=d.get("note") or "",
                    image=d.get("image") or None,
                )
            except ValidationError as exc:
                _add_errors(form, exc)
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
                    services.suggestion_decline(
                        actor=self.membership, suggestion=s, reason=decline.cleaned_data["reason"]
                    )
                except ValidationError as exc:
                    _add_errors(decline, exc)
                else:
                    messages.success(request, _("Declined; your colleague sees the reason."))
                    return redirect("content_review_queue", org_slug=self.organization.slug)
        else:
            accept = SuggestionAcceptForm(request.POST)
            if accept.is_valid():
                d = accept.cleaned_data
                captions = [(Network.LINKEDIN, d["caption"])] if d.get("caption") else []
                try:
                    item = services.suggestion_accept(
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
                    _add_errors(accept, exc)
                else:
                    messages.success(
                        request, _("Added to the library, credited to your colleague.")
                    )
                    return redirect(
                        "content_item", org_slug=self.organization.slug, item_id=item.pk
                    )
        return self._render(request, s, accept, decline)


class SourcesView(OrgPageView):
    capability = Capability.MANAGE_CONTENT

    def _render(self, request: HttpRequest, form: FeedSourceForm) -> HttpResponse:
        return render(
            request,
            "content_library/sources.html",
            self.get_context_data(
                form=form, sources=selectors.feed_sources(organization=self.organization)
            ),
        )

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(
            request, FeedSourceForm(initial={"language": self.organization.default_language})
        )

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = FeedSourceForm(request.POST)
        if form.is_valid():
            try:
                services.feed_source_create(actor=self.membership, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
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
            services.feed_source_delete(actor=self.membership, source=source)
            messages.success(request, _("Source removed; items already imported stay."))
            return redirect("content_sources", org_slug=slug)
        if action == "import":
            services.feed_source_request_import(actor=self.membership, source=source)
            messages.success(request, _("Import started; new entries arrive as drafts."))
            return redirect("content_source", org_slug=slug, source_id=source.pk)
        form = FeedSourceForm(request.POST)
        if form.is_valid():
            try:
                services.feed_source_update(
                    actor=self.membership, source=source, **form.cleaned_data
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("content_sources", org_slug=slug)
        return self._render(request, source, form)


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
                services.topic_create(actor=self.membership, name=form.cleaned_data["name"])
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Topic added."))
                return redirect("content_topics", org_slug=self.organization.slug)
        return self._render(request, form)


class TopicDeleteView(OrgPageView):
    capability = Capability.MANAGE_CONTENT
    model = Topic
    pk_url_kwarg = "topic_id"

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        services.topic_delete(actor=self.membership, topic=self.get_object())
        messages.success(request, _("Topic removed."))
        return redirect("content_topics", org_slug=self.organization.slug)


class LibrarySettingsView(OrgPageView):
    capability = Capability.APPROVE_CONTENT

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = LibrarySettingsForm(request.POST)
        form.is_valid()
        services.library_settings_update(
            actor=self.membership,
            reapproval_on_edit=bool(form.cleaned_data.get("reapproval_on_edit")),
        )
        messages.success(request, _("Saved."))
        return redirect(reverse("content_library", kwargs={"org_slug": self.organization.slug}))
