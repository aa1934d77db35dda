"""The employee feed and the item page every member sees."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from advocacy.keyset import InvalidCursor
from advocacy.networks import Network
from advocacy.permissions import Capability
from advocacy.tenancy import OrgPageView

from ..forms import ReturnForm
from ..models import ContentItem
from ..selectors.feed import (
    DEFAULT_PAGE_SIZE,
    card_image_url,
    colleagues_shared,
    feed_page,
    item_networks,
    with_card_data,
)
from ..selectors.library import (
    guideline_reminders,
    item_revisions,
    language_variants,
    share_mark_of,
)
from ..selectors.review import item_approvals, item_author_id, review_feedback
from ..selectors.visibility import items_for_member
from ..services.library_settings import library_settings_for
from .base import filter_context, filter_refused_message, filters_from_request, int_param


def _cards(items: list[ContentItem]) -> list[dict[str, Any]]:
    return [
        {
            "item": item,
            "image": card_image_url(item),
            "networks": [Network(n).label for n in item_networks(item)],
            "caption": next(iter(item.captions.all()), None),
            "colleagues": colleagues_shared(item),
            "shared_by_me": getattr(item, "shared_by_me", False),
        }
        for item in items
    ]


class FeedView(OrgPageView):
    """Approved, in-window content for this member; infinite scroll with htmx."""

    capability = Capability.VIEW_FEED

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        filters, valid = filters_from_request(request)
        if not valid and request.headers.get("HX-Request"):
            return HttpResponse(filter_refused_message(), status=400, content_type="text/plain")
        try:
            page = feed_page(
                membership=self.membership,
                cursor=request.GET.get("cursor"),
                page_size=int_param(request.GET.get("page_size"), DEFAULT_PAGE_SIZE),
                filters=filters,
            )
        except InvalidCursor:  # a stale link: the first page
            page = feed_page(membership=self.membership, filters=filters)
        next_url = None
        if page.next_cursor:
            params: dict[str, Any] = {
                k: v for k, v in request.GET.items() if k != "cursor" and v and valid
            }
            params["cursor"] = page.next_cursor
            next_url = f"{request.path}?{urlencode(params)}"
        ctx = self.get_context_data(
            cards=_cards(page.items),
            next_url=next_url,
            **filter_context(self.organization, filters),
        )
        if request.headers.get("HX-Request"):
            return render(request, "content_library/_feed_cards.html", ctx)
        return render(request, "content_library/feed.html", ctx, status=200 if valid else 400)


class ItemDetailView(OrgPageView):
    """The full item: preview, every caption alternative, reminders and my share history."""

    capability = Capability.VIEW_FEED
    model = ContentItem
    pk_url_kwarg = "item_id"

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        return items_for_member(membership=self.membership)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        item = self.get_object()
        item = with_card_data([item])[0]
        captions_by_network: dict[str, list[Any]] = {}
        for c in item.captions.all():
            captions_by_network.setdefault(Network(c.network).label, []).append(c)
        from guidelines.selectors import policy_acknowledgement_required

        ctx = self.get_context_data(
            item=item,
            image=card_image_url(item),
            suits_networks=[Network(n).label for n in item_networks(item)],
            network_choices=Network.choices,
            captions_by_network=captions_by_network,
            reminders=guideline_reminders(item=item),
            policy_pending=policy_acknowledgement_required(membership=self.membership),
            preview_poll_next=_next_preview_poll(request),
            share_mark=share_mark_of(item=item, membership=self.membership),
            can_manage=self.can(Capability.MANAGE_CONTENT),
            can_approve=self.can(Capability.APPROVE_CONTENT),
        )
        if ctx["can_manage"]:
            ctx["review_feedback"] = review_feedback(item=item)
            ctx["approvals"] = item_approvals(item=item)
            ctx["is_author"] = item_author_id(item) == self.membership.user_id
            ctx["second_reviewer"] = library_settings_for(self.organization).require_second_reviewer
            ctx["revisions"] = item_revisions(item=item)
            ctx["variants"] = language_variants(item=item)
            ctx["return_form"] = ReturnForm()
        return render(request, "content_library/item_detail.html", ctx)


#: While a link preview is being fetched the item page re-reads its preview card every two
#: seconds (htmx), at most this many times, so a stalled worker does not poll forever.
PREVIEW_POLLS = 30


def _next_preview_poll(request: HttpRequest) -> int | None:
    done = max(int_param(request.GET.get("poll"), 0), 0)
    return done + 1 if done < PREVIEW_POLLS else None
