"""Reads of the content library shared by pages, API and tasks.

The feed (``feed_page``) is one SQL query for the page of items plus a fixed number of
prefetches (captions, images, topics), whatever the page size:

* visible = approved, ``publish_at`` passed, ``expires_at`` not reached, targeted at
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

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import (
    BooleanField,
    Exists,
    Expression,
    F,
    Lookup,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from advocacy.models import Membership, Organization
from advocacy.networks import Network
from advocacy.permissions import Capability, has_capability

from .models import (
    AudienceDimension,
    ContentAudience,
    ContentItem,
    ContentItemApproval,
    ContentItemRevision,
    ContentSuggestion,
    FeedSource,
    ItemShareMark,
    Kind,
    Status,
    SuggestedCaption,
    SuggestionStatus,
)
from .search import apply_search

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50


def query_params_text(params: Any, names: Sequence[str]) -> dict[str, str]:
    """The named query parameters as text; ``ValidationError`` (one message per bad
    parameter) when one holds a NUL character, which PostgreSQL refuses in any string.
    Pages answer it with a 400 page, the API with a 400 in its error format."""
    values, errors = {}, {}
    for name in names:
        value = params.get(name) or ""
        if "\x00" in str(value):
            errors[name] = [_("This contains a character that is not allowed.")]
        values[name] = str(value)
    if errors:
        raise ValidationError(errors)
    return values


@dataclass
class ItemFilters:
    q: str = ""
    category: str = ""
    topic: int | None = None
    language: str = ""
    kind: str = ""
    status: str = ""
    campaign_ready: bool = False
    company: bool | None = None

    @classmethod
    def from_params(cls, params: Any) -> ItemFilters:
        """The filters of a page's or API list's query; ``ValidationError`` naming each
        parameter that holds a NUL character (see ``query_params_text``)."""
        text = query_params_text(
            params, ("q", "category", "language", "kind", "status", "campaign_ready", "company")
        )
        topic = params.get("topic") or None
        try:
            topic = int(topic) if topic else None
        except (TypeError, ValueError):
            topic = -1
        company = text["company"]
        return cls(
            q=text["q"].strip()[:200],
            category=text["category"],
            topic=topic,
            language=text["language"],
            kind=text["kind"],
            status=text["status"],
            campaign_ready=text["campaign_ready"].lower() in ("1", "true", "on"),
            company=None if company == "" else company.lower() in ("1", "true", "on"),
        )

    def apply(self, qs: QuerySet[ContentItem], *, now: datetime) -> QuerySet[ContentItem]:
        if self.category:
            qs = qs.filter(category=self.category)
        if self.topic is not None:
            qs = qs.filter(
                Exists(
                    ContentItem.topics.through.objects.filter(
                        contentitem_id=OuterRef("pk"), topic_id=self.topic
                    )
                )
            )
        if self.language:
            qs = qs.filter(language=self.language)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.company is not None:
            qs = qs.filter(is_company_content=self.company)
        if self.status == "scheduled":
            qs = qs.filter(status=Status.APPROVED, publish_at__gt=now)
        elif self.status == "expired":
            qs = qs.filter(status=Status.APPROVED, expires_at__lte=now)
        elif self.status:
            qs = qs.filter(status=self.status)
        if self.campaign_ready:
            qs = qs.filter(status=Status.APPROVED).filter(
                Q(expires_at__isnull=True) | Q(expires_at__gt=now)
            )
        return apply_search(qs, self.q)


# --- visibility ------------------------------------------------------------------------


def _targeted(qs: QuerySet[ContentItem], membership: Membership) -> QuerySet[ContentItem]:
    through = ContentItem.target_departments.through
    dept_match = (
        Exists(
            through.objects.filter(
                contentitem_id=OuterRef("pk"), department_id=membership.department_id
            )
        )
        if membership.department_id
        else Q(pk__in=[])
    )
    loc = (membership.location or "").strip()
    loc_match = (
        Exists(
            ContentAudience.objects.filter(
                item_id=OuterRef("pk"), dimension=AudienceDimension.LOCATION, value__iexact=loc
            )
        )
        if loc
        else Q(pk__in=[])
    )
    role_match = Exists(
        ContentAudience.objects.filter(
            item_id=OuterRef("pk"), dimension=AudienceDimension.ROLE, value=membership.role
        )
    )
    return (
        qs.filter(Q(targets_departments=False) | dept_match)
        .filter(Q(targets_locations=False) | loc_match)
        .filter(Q(targets_roles=False) | role_match)
    )


def _live(qs: QuerySet[ContentItem], now: datetime) -> QuerySet[ContentItem]:
    return qs.filter(status=Status.APPROVED, feed_at__isnull=False).filter(
        Q(publish_at__isnull=True) | Q(publish_at__lte=now),
        Q(expires_at__isnull=True) | Q(expires_at__gt=now),
    )


def visible_items(*, membership: Membership, now: datetime | None = None) -> QuerySet[ContentItem]:
    """What a member may see in the feed and search: one language variant per group."""
    now = now or timezone.now()
    org = membership.organization
    lang = membership.content_language
    default = org.default_language
    base = _targeted(_live(ContentItem.objects.for_org(org), now), membership)
    if lang == default:
        return base.filter(language=lang)
    sibling = _targeted(
        _live(
            ContentItem.objects.filter(
                organization=org, translation_group=OuterRef("translation_group"), language=lang
            ),
            now,
        ),
        membership,
    )
    return base.filter(Q(language=lang) | (Q(language=default) & ~Exists(sibling)))


def item_visible_to(*, membership: Membership, item: ContentItem) -> bool:
    return visible_items(membership=membership).filter(pk=item.pk).exists()


def items_for_member(*, membership: Membership) -> QuerySet[ContentItem]:
    """Items a member may open: everything for curators, the visible ones for others."""
    if has_capability(membership, Capability.MANAGE_CONTENT):
        return ContentItem.objects.for_org(membership.organization)
    return visible_items(membership=membership)


# --- feed -------------------------------------------------------------------------------


@dataclass
class FeedPage:
    items: list[ContentItem]
    next_cursor: str | None
    has_more: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _encode_cursor(item: ContentItem) -> str:
    raw = json.dumps(
        # Feed rows are approved items, which always have a feed time.
        [
            item.is_pinned,
            bool(item.shared_by_me),  # type: ignore[attr-defined]  # the feed's annotation
            item.priority,
            cast(datetime, item.feed_at).isoformat(),
            item.pk,
        ]
    )
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[bool, bool, int, datetime, int] | None:
    """The keyset position, or None for the first page; ValueError on garbage."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        pinned, shared, priority, feed_at, pk = json.loads(raw)
        when = parse_datetime(feed_at)
        if (
            when is None
            or not isinstance(pinned, bool)
            or not isinstance(shared, bool)
            or not isinstance(priority, int)
            or not isinstance(pk, int)
        ):
            raise ValueError("bad cursor")
        return pinned, shared, priority, when, pk
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise ValueError("bad cursor") from exc


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

    # The stubs follow Django 6 (parameters as a tuple); Django 5.2 compiles lists.
    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
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

    # The stubs follow Django 6 (parameters as a tuple); Django 5.2 compiles lists.
    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
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


def with_card_data(items: Sequence[ContentItem]) -> list[ContentItem]:
    """Fixed number of queries for any number of items."""
    items = list(items)
    prefetch_related_objects(items, "captions", "images", "topics")
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
    base = base.select_related("suggested_by__user").defer("search_text", "search_vector")
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
        qs = base.filter(condition).filter(bound)
        qs = qs.annotate(shared_by_me=Value(is_shared)).order_by(*(f"-{c}" for c in FEED_KEY))
        streams.append(qs[:limit])
    if len(streams) == 2:
        union = streams[0].union(streams[1], all=True)
        rows: list[ContentItem] = list(
            union.order_by("-is_pinned", "shared_by_me", "-priority", "-feed_at", "-id")[:limit]
        )
    else:
        rows = list(streams[0])
    has_more = len(rows) > page_size
    rows = with_card_data(rows[:page_size])
    return FeedPage(
        items=rows,
        next_cursor=_encode_cursor(rows[-1]) if has_more and rows else None,
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


# --- library (curators) -----------------------------------------------------------------


def library_page(
    *,
    organization: Organization,
    filters: ItemFilters,
    before_id: int | None = None,
    page_size: int = 30,
    now: datetime | None = None,
) -> tuple[list[ContentItem], int | None]:
    """Newest first, keyset on id; archived items only when asked for. One query: the
    library's table shows the items' own columns and who suggested them (no captions,
    images or topics), so nothing is prefetched and the wide text columns stay behind."""
    now = now or timezone.now()
    qs = ContentItem.objects.for_org(organization)
    if not filters.status:
        qs = qs.exclude(status=Status.ARCHIVED)
    qs = filters.apply(qs, now=now)
    if before_id:
        qs = qs.filter(pk__lt=before_id)
    qs = qs.select_related("suggested_by__user").defer(*_LIBRARY_UNUSED)
    rows = list(qs.order_by("-id")[: page_size + 1])
    more = len(rows) > page_size
    rows = rows[:page_size]
    return rows, (rows[-1].pk if more and rows else None)


#: Columns the library's table never shows.
_LIBRARY_UNUSED = ("body", "preview_description", "search_text", "search_vector")


def review_queue(*, membership: Membership, limit: int = 100) -> dict[str, list[Any]]:
    """What waits for reviewers (items in review, with the approvals given so far, and
    pending suggestions), and the viewer's own items a reviewer returned or rejected."""
    organization = membership.organization
    items = list(
        ContentItem.objects.for_org(organization)
        .filter(status=Status.IN_REVIEW)
        .select_related("created_by", "suggested_by__user")
        .prefetch_related("approvals__reviewer__user")
        .order_by("id")[:limit]
    )
    returned = list(
        ContentItem.objects.for_org(organization)
        .filter(
            status__in=(Status.CHANGES_REQUESTED, Status.REJECTED),
            created_by_id=membership.user_id,
        )
        .order_by("-updated_at", "-id")[:limit]
    )
    _attach_review_feedback(returned)
    suggestions = list(
        ContentSuggestion.objects.for_org(organization)
        .filter(status=SuggestionStatus.PENDING)
        .select_related("submitted_by__user")
        .order_by("id")[:limit]
    )
    return {"items": with_card_data(items), "returned": returned, "suggestions": suggestions}


#: Revision actions whose note is the reviewer's word to the author.
REVIEW_FEEDBACK_ACTIONS: dict[str, str] = {
    Status.CHANGES_REQUESTED: "changes_requested",
    Status.REJECTED: "rejected",
}


def _attach_review_feedback(items: Sequence[ContentItem]) -> None:
    """Set ``item.review_feedback`` (the revision carrying the reviewer's comment or
    reason) on items returned with requested changes or rejected; one query."""
    wanted = {i.pk: REVIEW_FEEDBACK_ACTIONS.get(i.status) for i in items}
    ids = [pk for pk, action in wanted.items() if action]
    latest: dict[int, ContentItemRevision] = {}
    if ids:
        rows = (
            ContentItemRevision.objects.filter(
                item_id__in=ids, action__in=set(REVIEW_FEEDBACK_ACTIONS.values())
            )
            .select_related("actor")
            .order_by("item_id", "-id")
        )
        for rev in rows:
            if rev.item_id not in latest and rev.action == wanted[rev.item_id]:
                latest[rev.item_id] = rev
    for item in items:
        item.review_feedback = latest.get(item.pk)  # type: ignore[attr-defined]


def review_feedback(*, item: ContentItem) -> ContentItemRevision | None:
    """The reviewer's comment (changes requested) or reason (rejected) that the item's
    current status comes from, for its author; ``None`` in other states."""
    _attach_review_feedback([item])
    return item.review_feedback  # type: ignore[attr-defined]


def item_author_id(item: ContentItem) -> int | None:
    """The user whose content the item is: the colleague who suggested it, else whoever
    created it (``None`` for imported entries)."""
    if item.suggested_by_id:
        # suggested_by_id is set, so the foreign key loads a membership.
        return cast(Membership, item.suggested_by).user_id
    return item.created_by_id


def item_approvals(*, item: ContentItem) -> list[ContentItemApproval]:
    """Who approved the item as it stands (one row, or two with a second reviewer)."""
    return list(
        ContentItemApproval.objects.filter(organization_id=item.organization_id, item=item)
        .select_related("reviewer__user")
        .order_by("created_at", "id")
    )


def suggestions_of_member(*, membership: Membership, limit: int = 50) -> list[ContentSuggestion]:
    return list(
        ContentSuggestion.objects.for_org(membership.organization)
        .filter(submitted_by=membership)
        .select_related("item", "reviewed_by")
        .order_by("-id")[:limit]
    )


def suggestions_for(*, membership: Membership) -> QuerySet[ContentSuggestion]:
    """Curators see every suggestion; everyone else sees their own."""
    qs = ContentSuggestion.objects.for_org(membership.organization).select_related(
        "submitted_by__user", "reviewed_by"
    )
    if has_capability(membership, Capability.APPROVE_CONTENT):
        return qs
    return qs.filter(submitted_by=membership)


def item_revisions(*, item: ContentItem, limit: int = 50) -> list[ContentItemRevision]:
    return list(
        ContentItemRevision.objects.filter(organization_id=item.organization_id, item=item)
        .select_related("actor")
        .order_by("-id")[:limit]
    )


def share_mark_of(*, item: ContentItem, membership: Membership) -> ItemShareMark | None:
    return ItemShareMark.objects.filter(
        organization_id=item.organization_id, item=item, membership=membership
    ).first()


def language_variants(*, item: ContentItem) -> list[ContentItem]:
    return list(
        ContentItem.objects.filter(
            organization_id=item.organization_id, translation_group=item.translation_group
        )
        .exclude(pk=item.pk)
        .order_by("language")
    )


def feed_sources(*, organization: Organization) -> list[FeedSource]:
    return list(FeedSource.objects.for_org(organization).order_by("name", "id")[:200])


def sources_due(*, now: datetime | None = None, every_minutes: int = 30) -> QuerySet[FeedSource]:
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=every_minutes)
    return FeedSource.objects.filter(is_paused=False, organization__is_active=True).filter(
        Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lte=cutoff)
    )


def audience_of(item: ContentItem) -> dict[str, list[Any]]:
    """The item's targeting as ids and values: ``departments``, ``locations``, ``roles``."""
    rows = list(ContentAudience.objects.filter(item=item).values_list("dimension", "value"))
    return {
        "departments": sorted(item.target_departments.values_list("pk", flat=True)),
        "locations": sorted(v for d, v in rows if d == AudienceDimension.LOCATION),
        "roles": sorted(v for d, v in rows if d == AudienceDimension.ROLE),
    }


def caption_findings(item: ContentItem) -> list[tuple[SuggestedCaption, list[Any]]]:
    """Guideline findings for every suggested caption (``guidelines.checker``)."""
    from guidelines.checker import check_caption

    result = []
    for caption in SuggestedCaption.objects.filter(item=item).order_by("network", "position"):
        result.append(
            (caption, list(check_caption(item.organization, caption.network, caption.text)))
        )
    return result


def guideline_reminders(*, item: ContentItem) -> list[dict[str, Any]]:
    """What the organization's guidelines say about the item's suggested captions, once
    per network and message (three LinkedIn alternatives missing the same hashtag make
    one reminder), blocking ones first. Each: ``network`` (label), ``severity``,
    ``message``, ``suggestion``."""
    seen: set[tuple[str, str, str, str]] = set()
    out: list[dict[str, Any]] = []
    for caption, findings in caption_findings(item):
        for f in findings:
            key = (caption.network, f.severity, f.message, f.suggestion or "")
            if key in seen:
                continue
            seen.add(key)
            out.append(
                {
                    "network": Network(caption.network).label,
                    "severity": f.severity,
                    "message": f.message,
                    "suggestion": f.suggestion,
                }
            )
    out.sort(key=lambda r: r["severity"] != "block")
    return out
