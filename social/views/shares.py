"""Pages of sharing under ``/o/<org_slug>/shares/``: the composer, My shares, a share's
detail, and the retry / cancel / "I posted it" actions."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from advocacy.forms.service_errors import service_error_messages
from advocacy.permissions import Capability
from advocacy.redirects import next_url_or
from advocacy.tenancy import OrgPageView
from content_library.models import ContentItem
from content_library.selectors.feed import card_image_url
from content_library.selectors.visibility import item_visible_to, items_for_member

from ..forms.shares import ComposeForm, caption_field_name
from ..models import IN_FLIGHT_STATES, Share, ShareMethod, ShareState
from ..selectors import shares as sel
from ..services import compose, posts
from ..services import shares as services

#: While shares of an item are on their way, its history re-reads itself every two seconds
#: (htmx), at most this many times.
HISTORY_POLLS = 60


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _is_htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


class ComposeView(OrgPageView):
    """The composer for one item: a partial for htmx (item page, feed card), else a page."""

    capability = Capability.SHARE_CONTENT
    model = ContentItem
    pk_url_kwarg = "item_id"

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        return items_for_member(membership=self.membership).prefetch_related("captions", "images")

    def _context(self, item: ContentItem, form: ComposeForm | None, **extra: Any) -> dict:
        from campaigns.selectors.campaigns import live_campaign_for_item
        from guidelines.selectors import policy_acknowledgement_required

        targets = compose.composer_targets(membership=self.membership, item=item)
        form = form or ComposeForm(
            targets=targets, organization=self.organization, auto_id=f"composer-{item.pk}-%s"
        )
        rows = [
            {
                "target": t,
                "field_name": caption_field_name(t),
                "checker_id": f"composer-{item.pk}-{t.key}",
                "value": (
                    form.data.get(caption_field_name(t), t.caption) if form.is_bound else t.caption
                ),
                # A bound form's data is request.POST, a QueryDict.
                "checked": t.key
                in (cast(QueryDict, form.data).getlist("target") if form.is_bound else []),
            }
            for t in form.targets
        ]
        item_url = reverse(
            "content_item", kwargs={"org_slug": self.organization.slug, "item_id": item.pk}
        )
        return self.get_context_data(
            item=item,
            form=form,
            rows=rows,
            any_available=any(t.available for t in form.targets),
            image=card_image_url(item),
            policy_pending=policy_acknowledgement_required(membership=self.membership),
            item_url=item_url,
            in_feed=item_visible_to(membership=self.membership, item=item),
            has_accounts=any(t.account is not None for t in form.targets),
            suggested_time=compose.suggested_share_time(membership=self.membership),
            zone=compose.organization_zone(self.organization),
            # The live campaign a share made now joins: its hashtags are offered.
            campaign=live_campaign_for_item(membership=self.membership, item=item),
            **extra,
        )

    def _render(self, request: HttpRequest, ctx: dict[str, Any]) -> HttpResponse:
        template = "social/_composer.html" if _is_htmx(request) else "social/shares/compose.html"
        return render(request, template, ctx)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        item = self.get_object()
        return self._render(request, self._context(item, None))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        item = self.get_object()
        targets = compose.composer_targets(membership=self.membership, item=item)
        form = ComposeForm(
            request.POST,
            targets=targets,
            organization=self.organization,
            auto_id=f"composer-{item.pk}-%s",
        )
        errors: list[str] = []
        if form.is_valid():
            try:
                shares = compose.share_compose(
                    membership=self.membership,
                    item=item,
                    chosen=form.cleaned_data["target"],
                    captions=form.captions(),
                    all_networks=form.cleaned_data["share_all"],
                    when=form.cleaned_data["when"],
                    scheduled_at=form.cleaned_data["scheduled_at"],
                )
            except ValidationError as exc:
                errors = service_error_messages(exc)
            else:
                history = sel.item_share_history(membership=self.membership, item=item)
                ctx = self.get_context_data(
                    item=item,
                    created=shares,
                    **_history_context(self.organization, item, history, poll=1),
                )
                template = (
                    "social/shares/_compose_result.html"
                    if _is_htmx(request)
                    else "social/shares/compose_done.html"
                )
                response = render(request, template, ctx)
                # Other views of this item's shares on the page (the item page's aside) refresh.
                response["HX-Trigger"] = "shares-changed"
                return response
        ctx = self._context(item, form, errors=errors)
        return self._render(request, ctx)


def _history_context(
    organization: Any, item: ContentItem, shares: list[Share], *, poll: int | None
) -> dict[str, Any]:
    # Dialog shares wait for the member, not for a worker: no need to poll for them.
    in_flight = any(
        s.state in IN_FLIGHT_STATES - {ShareState.SCHEDULED} and s.method == ShareMethod.API
        for s in shares
    )
    history_url = reverse(
        "shares_item_history", kwargs={"org_slug": organization.slug, "item_id": item.pk}
    )
    poll_url = None
    if in_flight and poll is not None and poll <= HISTORY_POLLS:
        poll_url = f"{history_url}?{urlencode({'poll': poll + 1})}"
    return {
        "history": [_share_row(s) for s in shares],
        "history_item": item,
        "history_url": history_url,
        "poll_url": poll_url,
    }


def _share_row(share: Share) -> dict[str, Any]:
    row: dict[str, Any] = {"share": share, "dialog_url": "", "tracked_url": ""}
    link = sel.share_tracked_link(share)
    if link is not None:
        from ..services.links import tracked_link_url

        row["tracked_url"] = tracked_link_url(link)
    if services.is_dialog_waiting(share):
        row["dialog_url"] = posts.share_dialog_url(share)
    return row


class ItemShareHistoryView(OrgPageView):
    """The member's shares of one item (the item page's "Your shares" and the composer's
    result), re-read by htmx while any is on its way."""

    capability = Capability.SHARE_CONTENT
    model = ContentItem
    pk_url_kwarg = "item_id"

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        return items_for_member(membership=self.membership)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        item = self.get_object()
        shares = sel.item_share_history(membership=self.membership, item=item)
        ctx = self.get_context_data(
            **_history_context(
                self.organization, item, shares, poll=_int(request.GET.get("poll"), 0)
            )
        )
        return render(request, "social/shares/_item_history.html", ctx)


class SharesMineView(OrgPageView):
    """My shares: newest first, keyset-paginated (``?cursor=``), optional state filter."""

    capability = Capability.SHARE_CONTENT

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        state = request.GET.get("state", "")
        if state not in ShareState.values:
            state = ""
        page = sel.shares_page(
            membership=self.membership,
            cursor=request.GET.get("cursor"),
            state=state,
        )
        next_url = None
        if page.next_cursor:
            params = {"cursor": page.next_cursor, **({"state": state} if state else {})}
            next_url = f"{request.path}?{urlencode(params)}"
        ctx = self.get_context_data(
            rows=[_share_row(s) for s in page.items],
            next_url=next_url,
            state=state,
            states=ShareState.choices,
        )
        if _is_htmx(request) and request.GET.get("cursor"):
            return render(request, "social/shares/_rows.html", ctx)
        return render(request, "social/shares/mine.html", ctx)


class ShareDetailView(OrgPageView):
    """One share: its states (events), clicks per day and metric snapshots. The member's
    own shares; members with VIEW_ANALYTICS see every share of the organization."""

    capability = Capability.SHARE_CONTENT
    model = Share
    pk_url_kwarg = "share_id"

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        return sel.with_list_data(sel.shares_for(membership=self.membership, scope="org"))

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        share: Share = self.get_object()
        labels = dict(ShareState.choices)
        ctx = self.get_context_data(
            row=_share_row(share),
            share=share,
            mine=share.membership_id == self.membership.pk,
            events=[
                {
                    "at": e.at,
                    "from": labels.get(e.from_state, e.from_state),
                    "to": labels.get(e.to_state, e.to_state),
                    "detail": e.detail,
                }
                for e in sel.share_events(share=share)
            ],
            daily_clicks=sel.share_daily_clicks(share=share),
            snapshots=sel.share_snapshots(share=share),
        )
        return render(request, "social/shares/detail.html", ctx)


class ShareActionView(OrgPageView):
    """POST retry / cancel / confirm (the "I posted it" of a share dialog) on one's own share."""

    capability = Capability.SHARE_CONTENT
    model = Share
    pk_url_kwarg = "share_id"
    action = ""

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.filter(membership=self.membership)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        share: Share = self.get_object()
        try:
            if self.action == "retry":
                caption = request.POST.get("caption")
                services.share_retry(
                    membership=self.membership, share=share, caption=caption or None
                )
                messages.success(request, _("Trying again."))
            elif self.action == "cancel":
                services.share_cancel(membership=self.membership, share=share)
                messages.success(request, _("The scheduled share is cancelled."))
            elif self.action == "confirm":
                services.share_dialog_confirm(membership=self.membership, share=share)
                messages.success(request, _("Thank you: your share is recorded."))
        except ValidationError as exc:
            for message in service_error_messages(exc):
                messages.error(request, message)
        return HttpResponseRedirect(
            next_url_or(
                request,
                request.POST.get("next"),
                reverse(
                    "share_detail",
                    kwargs={"org_slug": self.organization.slug, "share_id": share.pk},
                ),
            )
        )
