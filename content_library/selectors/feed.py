"""The member's feed, and what its cards show.

The feed (``feed_page``) is one SQL query for the page of items plus a fixed number of
prefetches (captions, images, topics), whatever the page size:

* visible = ``visibility.visible_items``: approved, in its window, targeted at
  the member (per dimension: departments, locations, roles; an empty dimension means
  everyone; dimensions combine with AND), in the member's content language or else,
  when the item's translation group has no visible variant in that language, in the
  organization's default language;
* order = pinned first, then not yet shared by me (``ItemShareMark``), then priority,
  then newest (``feed_at``), then id; keyset cursor over exactly that tuple;
* cost = bounded per page whatever the library's size: two keyset streams in one
  UNION ALL ("not yet shared" walks the partial index ``contentitem_feed_order`` from
  the cursor and checks visibility on the rows it walks; "shared" is bounded by the
  member's own share marks), each limited to the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    Expression,
    F,
    Lookup,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.utils import timezone

from advocacy.keyset import cursor_decode, cursor_encode
from advocacy.models import Membership
from advocacy.networks import Network

from ..models import (
    ContentImage,
    ContentItem,
    ItemShareMark,
    Kind,
    SuggestedCaption,
    Topic,
)
from .filters import ItemFilters
from .visibility import visible_items

DEFAULT_PAGE_SIZE = 20


MAX_PAGE_SIZE = 50


@dataclass
class FeedPage:
    items: list[ContentItem]
    next_cursor: str | None
    has_more: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


#: The types of a feed cursor's position: (pinned, shared by me, priority, feed_at, id).
FEED_CURSOR_KINDS = (bool, bool, int, datetime, int)


def _encode_cursor(item: ContentItem) -> str:
    return cursor_encode(
        [
            item.is_pinned,
            bool(getattr(item, "shared_by_me", False)),
            item.priority,
            item.feed_at,
            item.pk,
        ]
    )


def decode_cursor(cursor: str | None) -> tuple[bool, bool, int, datetime, int] | None:
    """The keyset position, or None for the first page; ``InvalidCursor`` (a
    ``ValueError``) on a cursor the feed did not give out. The feed cannot page through
    ``keyset_page`` (its page is the head of a UNION of two streams, bounded by a row
    comparison), but its cursor is encoded and decoded by the one codec."""
    if not cursor:
        return None
    pinned, shared, priority, when, pk = cursor_decode(cursor, FEED_CURSOR_KINDS)
    return pinned, shared, priority, when, pk


class RowBefore(Expression):
    """``(col1, col2, …) < (v1, v2, …)``: a row comparison, which PostgreSQL turns into
    one index bound (the expanded OR form would make it walk every earlier row)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, columns: Sequence[str], values: Sequence[Any]) -> None:
        super().__init__()
        self.columns: list[Any] = [F(c) for c in columns]
        self.values: list[Any] = [Value(v) for v in values]

    def get_source_expressions(self) -> list[Any]:
        return [*self.columns, *self.values]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        n = len(self.columns)
        self.columns, self.values = list(exprs[:n]), list(exprs[n:])

    def as_sql(  # type: ignore[override]  # django-stubs 6 types params as a tuple
        self, compiler: Any, connection: Any
    ) -> tuple[str, list[Any]]:
        sides, params = [], []
        for side in (self.columns, self.values):
            parts = []
            for expr in side:
                sql, p = compiler.compile(expr)
                parts.append(sql)
                params.extend(p)
            sides.append(", ".join(parts))
        return f"({sides[0]}) < ({sides[1]})", params


class InSubqueryArray(Lookup):
    """``pk IN (subquery)`` that PostgreSQL runs as ``pk = ANY(ARRAY(subquery))``: the
    subquery once, then one primary-key probe per value, so the cost is bounded by the
    subquery's rows and the planner cannot turn it into a walk of a bigger index."""

    lookup_name = "in_subquery_array"
    prepare_rhs = False

    def as_sql(  # type: ignore[override]  # django-stubs 6 types params as a tuple
        self, compiler: Any, connection: Any
    ) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} IN {rhs}", [*lhs_params, *rhs_params]

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]


#: The feed's order: pinned first; then not yet shared by me before shared; then
#: priority, newest, id. ``FEED_KEY`` is that order without the "shared" flag (all
#: descending), which is the order of the index ``contentitem_feed_order``.
FEED_KEY = ("is_pinned", "priority", "feed_at", "id")


def _stream_bound(shared: bool, position: tuple[bool, bool, int, datetime, int]) -> Q | None:
    """Rows of the "shared" (or "not yet shared") stream after ``position`` as a filter,
    ``None`` when no row of that stream comes after it. Order of the four segments:
    (pinned, not shared), (pinned, shared), (not pinned, not shared), (not pinned, shared)."""
    pinned, was_shared, *rest = position
    if shared == was_shared:
        return Q(RowBefore(FEED_KEY, (pinned, *rest)))
    if shared:  # position among the not yet shared: the shared of its pin group follow
        return Q() if pinned else Q(is_pinned=False)
    return Q(is_pinned=False) if pinned else None  # position among the shared


#: The columns of a feed card (page and API): the rest of the row (search text, audience
#: flags, authorship, timestamps nobody shows) is left in the database.
FEED_CARD_FIELDS = (
    "id",
    "organization_id",
    "kind",
    "title",
    "body",
    "url",
    "category",
    "language",
    "is_company_content",
    "captions_editable",
    "status",
    "publish_at",
    "expires_at",
    "feed_at",
    "is_pinned",
    "priority",
    "translation_group",
    "approved_at",
    "created_at",
    "suggested_by",
    "suggested_by__user",
    "suggested_by__user__name",
    "suggested_by__user__email",
    "preview_status",
    "preview_title",
    "preview_description",
    "preview_image_url",
    "preview_site_name",
    "preview_error",
    "share_count",
)


def with_card_data(items: Sequence[ContentItem]) -> list[ContentItem]:
    """Each item with its captions, images and topics prefetched (``item.captions.all()``
    and so on answer without a query): one query per relation for any number of items,
    each inside the items' organization and with only the columns the cards show."""
    items = list(items)
    if not items:
        return items
    org_ids = {item.organization_id for item in items}
    prefetch_related_objects(
        items,
        Prefetch(
            "captions",
            queryset=SuggestedCaption.objects.filter(organization_id__in=org_ids).only(
                "id", "organization_id", "item_id", "network", "text"
            ),
        ),
        Prefetch(
            "images",
            queryset=ContentImage.objects.filter(organization_id__in=org_ids).only(
                "id", "organization_id", "item_id", "image", "alt_text", "width", "height"
            ),
        ),
        Prefetch(
            "topics",
            queryset=Topic.objects.filter(organization_id__in=org_ids).only(
                "id", "organization_id", "name"
            ),
        ),
    )
    return items
    ids = [item.pk for item in items]
    captions = SuggestedCaption.objects.filter(item_id__in=ids).only(
        "id", "item_id", "network", "text"
    )
    images = ContentImage.objects.filter(item_id__in=ids).only(
        "id", "item_id", "image", "alt_text", "width", "height"
    )
    topics = (
        Topic.objects.filter(items__in=ids).annotate(card_item_id=F("items__id")).only("id", "name")
    )
    by_item: dict[str, dict[int, list[Any]]] = {"captions": {}, "images": {}, "topics": {}}
    by_pk = {item.pk: item for item in items}
    for caption in captions:
        SuggestedCaption.item.field.set_cached_value(caption, by_pk[caption.item_id])
        by_item["captions"].setdefault(caption.item_id, []).append(caption)
    for image in images:
        ContentImage.item.field.set_cached_value(image, by_pk[image.item_id])
        by_item["images"].setdefault(image.item_id, []).append(image)
    for topic in topics:
        by_item["topics"].setdefault(topic.card_item_id, []).append(topic)
    for item in items:
        cache = item.__dict__.setdefault("_prefetched_objects_cache", {})
        for name, rows in by_item.items():
            cache.pop(name, None)
            qs = getattr(item, name).get_queryset()
            qs._result_cache = rows.get(item.pk, [])
            qs._prefetch_done = True
            cache[name] = qs
    return items


def feed_page(
    *,
    membership: Membership,
    cursor: str | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    filters: ItemFilters | None = None,
    now: datetime | None = None,
) -> FeedPage:
    """One page of the member's feed in one SQL query whose cost does not grow with the
    library. Two keyset streams, each limited to the page: "not yet shared by me" walks
    ``contentitem_feed_order`` (organization, then ``FEED_KEY``) from the cursor, checking
    visibility and the share mark on the rows it walks; "shared by me" is bounded by the
    member's own share marks. The page is the first ``page_size`` of their union in feed
    order (each stream is in that order, so the union's head is the feed's head)."""
    now = now or timezone.now()
    page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    position = decode_cursor(cursor)
    base = visible_items(membership=membership, now=now)
    if filters is not None:
        filters.status = ""
        base = filters.apply(base, now=now)
    base = base.select_related("suggested_by__user").only(*FEED_CARD_FIELDS)
    marks = ItemShareMark.objects.filter(
        organization_id=membership.organization_id, membership_id=membership.pk
    )
    not_shared = ~Exists(marks.filter(item_id=OuterRef("pk")))
    shared = InSubqueryArray(F("pk"), Subquery(marks.values("item_id")))
    limit = page_size + 1
    streams = []
    for is_shared, condition in ((False, not_shared), (True, shared)):
        bound = Q() if position is None else _stream_bound(is_shared, position)
        if bound is None:
            continue
        qs = base.filter(condition).filter(bound).annotate(shared_by_me=Value(is_shared))
        if connection.features.supports_slicing_ordering_in_compound:
            qs = qs.order_by(*(f"-{c}" for c in FEED_KEY))[:limit]
        else:
            # SQLite (the embedded default) allows no ORDER BY/LIMIT inside a UNION's parts:
            # the union is ordered and cut as a whole there, the same page at a cost that
            # grows with the library (PostgreSQL, which production runs, walks the index).
            qs = qs.order_by()
        streams.append(qs)
    if len(streams) == 2:
        union = streams[0].union(streams[1], all=True)
        rows = list(
            union.order_by("-is_pinned", "shared_by_me", "-priority", "-feed_at", "-id")[:limit]
        )
    else:
        rows = list(streams[0])
    has_more = len(rows) > page_size
    cards: list[ContentItem] = with_card_data(list(rows[:page_size]))
    return FeedPage(
        items=cards,
        next_cursor=_encode_cursor(cards[-1]) if has_more and cards else None,
        has_more=has_more,
    )


def item_networks(item: ContentItem) -> list[str]:
    """Networks the item suits: those with suggested captions, else every network that
    can carry it (Instagram needs an image)."""
    captions = list(item.captions.all())
    if captions:
        seen: list[str] = []
        for c in captions:
            if c.network not in seen:
                seen.append(c.network)
        return seen
    nets = list(Network.values)
    has_image = bool(list(item.images.all())) or bool(item.preview_image_url)
    if item.kind != Kind.IMAGE and not has_image:
        nets.remove(Network.INSTAGRAM)
    return nets


def card_image_url(item: ContentItem) -> str:
    images = list(item.images.all())
    if images:
        return images[0].image.url
    return item.preview_image_url


def colleagues_shared(item: ContentItem) -> int:
    return max(item.share_count - (1 if getattr(item, "shared_by_me", False) else 0), 0)
