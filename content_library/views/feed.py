"""The employee feed and the item page every member sees."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import truncatechars, truncatewords
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from advocacy.keyset import InvalidCursor
from advocacy.networks import Network
from advocacy.permissions import Capability
from advocacy.tenancy import OrgPageView

from ..forms import ReturnForm
from ..models import Category, ContentItem
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

#: An item id no item has, reversed once per page: each card's links are the reversed
#: link with its own id put in its place (string formatting, not one ``reverse`` per card).
_ID_SLOT = 987654321


def _link_format(name: str, slug: str) -> tuple[str, str]:
    """The link of ``name`` for any item of the organization, as the text before and after
    the item id (the id is the link's last number: the organization's slug comes first)."""
    before, after = reverse(name, args=[slug, _ID_SLOT]).rsplit(str(_ID_SLOT), 1)
    return before, after


def _cards(
    items: list[ContentItem], slug: str, campaigns: dict[int, Any] | None = None
) -> list[dict[str, Any]]:
    """What each feed card shows, computed here once per card rather than by template tags:
    the two links, the category, the networks, the shortened texts and the two sentences
    with a figure or a name (the same messages the template's ``blocktranslate`` had)."""
    # Labels translated once per page (``get_category_display`` translates every choice).
    network_labels = {value: str(label) for value, label in Network.choices}
    category_labels = {value: str(label) for value, label in Category.choices}
    item_before, item_after = _link_format("content_item", slug)
    compose_before, compose_after = _link_format("share_compose", slug)
    campaigns = campaigns or {}
    campaign_before, campaign_after = (
        _link_format("campaign_detail", slug) if campaigns else ("", "")
    )
    cards = []
    for item in items:
        caption = next(iter(item.captions.all()), None)
        colleagues = colleagues_shared(item)
        description = item.display_description
        suggested_by = item.suggested_by
        cards.append(
            {
                "item": item,
                "title": item.display_title,
                "category": category_labels.get(item.category, item.category),
                "url": f"{item_before}{item.pk}{item_after}",
                "compose_url": f"{compose_before}{item.pk}{compose_after}",
                "image": card_image_url(item),
                "networks": ", ".join(network_labels[n] for n in item_networks(item)),
                "description": truncatewords(description, 30) if description else "",
                "caption": truncatechars(caption.text, 220) if caption is not None else "",
                "colleagues": colleagues,
                "colleagues_text": _colleagues_text(colleagues) if colleagues else "",
                "suggested_by": _suggested_by_text(suggested_by.user) if suggested_by else "",
                "shared_by_me": getattr(item, "shared_by_me", False),
                "campaign": campaigns.get(item.pk),
                "campaign_url": (
                    f"{campaign_before}{campaigns[item.pk].pk}{campaign_after}"
                    if item.pk in campaigns
                    else ""
                ),
            }
        )
    return cards


def _colleagues_text(n: int) -> str:
    text = ngettext("%(n)s colleague shared this", "%(n)s colleagues shared this", n)
    return mark_safe(text % {"n": conditional_escape(localize(n))})  # noqa: S308  # the name is escaped


def _suggested_by_text(user: Any) -> str:
    return mark_safe(gettext("Suggested by %(name)s") % {"name": conditional_escape(user)})  # noqa: S308


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
        from campaigns.selectors.campaigns import campaign_by_slug, live_campaigns_of_items

        # Each card's live campaign (for this member): one query for the page.
        badges = live_campaigns_of_items(
            membership=self.membership, item_ids=[i.pk for i in page.items]
        )
        cards = _cards(page.items, self.organization.slug, badges)
        if request.headers.get("HX-Request"):  # the next cards only: no filter form
            ctx = self.get_context_data(cards=cards, next_url=next_url)
            return render(request, "content_library/_feed_cards.html", ctx)
        ctx = self.get_context_data(
            cards=cards,
            next_url=next_url,
            filter_campaign=(
                campaign_by_slug(membership=self.membership, slug=filters.campaign)
                if filters.campaign
                else None
            ),
            **filter_context(self.organization, filters),
        )
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
