"""Leaderboards: which board, its period, and its top, own rank and neighbours.

**A board** is a kind (``overall``, ``campaign``, ``department``, ``location``), a period
(this ``week``, ``month``, ``quarter``, ``year`` — in the organization's time zone — or
``all`` time; a campaign board covers the campaign: the entries attributed to it, which
are earned while it is live) and a metric (``points``; a campaign board may rank by its
goal metric instead: ``impressions``, ``engagement`` = reactions + comments + reshares, or
``clicks`` = human clicks, summed over the member's published shares of the campaign).

**Who is on it.** An active member whose score on the board is not 0: the sum of the
``points`` of the ledger entries the board counts (reversals included), or for a metric
board the sum over their published shares of the campaign. Deactivated
members never show. A department or location board holds the members who are in that
department or location now.

**Order and ties.** Higher score first; members with the same score share the same rank
(standard competition ranking: 1, 2, 2, 4) and are listed by membership id, earlier
members first. Redis and the database order them the same way: Redis keeps the negated
score and the zero-padded membership id as the member, so ``ZRANGE`` ascending is exactly
``ORDER BY score DESC, membership_id ASC``.

**Two paths, one answer.** With Redis (``REDIS_URL``) each board is a sorted set, moved by
``points_recorded`` (``campaigns/services/boards.py``) and rebuilt from the ledger on a
miss, by ``manage.py rebuild_leaderboards`` or its task; one Lua call answers top, own rank
and neighbours. Without Redis, or while it is down, the same answer comes from the
database: a grouped sum of the period's entries (all time: ``PointsBalance.lifetime``, the
ledger's running sum) ordered by score and id, a ``COUNT`` for the own rank and two keyset
queries for the neighbours.

**Anonymity.** A member who chose to appear anonymously is "a colleague in <department>"
(or "a colleague") to everyone but themselves, managers included: the choice is about
being seen, and a manager who needs names has the member list, not the board.

**Public or managers only.** ``RecognitionSettings.public_leaderboards`` off: members
without ``VIEW_ANALYTICS`` or ``MANAGE_CAMPAIGNS`` see their own rank only.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import redis
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advocacy.models import Department, Membership, Organization
from advocacy.permissions import Capability, has_capability

from ..models import (
    EARNING_ACTIONS,
    Campaign,
    CampaignStatus,
    PointsBalance,
    PointsEntry,
    RecognitionSettings,
)

log = logging.getLogger(__name__)

# --- What a board is ---------------------------------------------------------------------

KIND_OVERALL = "overall"
KIND_CAMPAIGN = "campaign"
KIND_DEPARTMENT = "department"
KIND_LOCATION = "location"
KINDS = (KIND_OVERALL, KIND_CAMPAIGN, KIND_DEPARTMENT, KIND_LOCATION)
KIND_LABELS = {
    KIND_OVERALL: gettext_lazy("Everyone"),
    KIND_CAMPAIGN: gettext_lazy("Campaign"),
    KIND_DEPARTMENT: gettext_lazy("Department"),
    KIND_LOCATION: gettext_lazy("Location"),
}

PERIOD_WEEK = "week"
PERIOD_MONTH = "month"
PERIOD_QUARTER = "quarter"
PERIOD_YEAR = "year"
PERIOD_ALL = "all"
PERIOD_CAMPAIGN = "campaign"
PERIODS = (PERIOD_WEEK, PERIOD_MONTH, PERIOD_QUARTER, PERIOD_YEAR, PERIOD_ALL, PERIOD_CAMPAIGN)
#: Periods every kind but the campaign board offers (a campaign board covers the campaign).
CALENDAR_PERIODS = (PERIOD_WEEK, PERIOD_MONTH, PERIOD_QUARTER, PERIOD_YEAR, PERIOD_ALL)
PERIOD_LABELS = {
    PERIOD_WEEK: gettext_lazy("This week"),
    PERIOD_MONTH: gettext_lazy("This month"),
    PERIOD_QUARTER: gettext_lazy("This quarter"),
    PERIOD_YEAR: gettext_lazy("This year"),
    PERIOD_ALL: gettext_lazy("All time"),
    PERIOD_CAMPAIGN: gettext_lazy("The campaign's dates"),
}

METRIC_POINTS = "points"
METRIC_IMPRESSIONS = "impressions"
METRIC_ENGAGEMENT = "engagement"
METRIC_CLICKS = "clicks"
METRICS = (METRIC_POINTS, METRIC_IMPRESSIONS, METRIC_ENGAGEMENT, METRIC_CLICKS)
SHARE_METRICS = (METRIC_IMPRESSIONS, METRIC_ENGAGEMENT, METRIC_CLICKS)
METRIC_LABELS = {
    METRIC_POINTS: gettext_lazy("Points"),
    METRIC_IMPRESSIONS: gettext_lazy("Impressions"),
    METRIC_ENGAGEMENT: gettext_lazy("Engagement"),
    METRIC_CLICKS: gettext_lazy("Human clicks"),
}
METRIC_DEFINITIONS = {
    METRIC_POINTS: gettext_lazy(
        "The sum of the points the member earned in the period, corrections included. "
        "Spending points on rewards never lowers it."
    ),
    METRIC_IMPRESSIONS: gettext_lazy(
        "How many times the networks showed the member's published shares of the campaign, "
        "as the networks last reported it (unknown counts as 0)."
    ),
    METRIC_ENGAGEMENT: gettext_lazy(
        "Reactions, comments and reshares on the member's published shares of the campaign, "
        "as the networks last reported them."
    ),
    METRIC_CLICKS: gettext_lazy(
        "Clicks by people (not bots) on the links of the member's published shares of the campaign."
    ),
}
RANK_DEFINITION = gettext_lazy(
    "Higher scores first. Members with the same score share a rank and are listed by when "
    "they joined, earlier first. Only active members with a score other than 0 on this "
    "board are ranked."
)
ACTIVE_MEMBER_DEFINITION = gettext_lazy(
    "An active member of the team is one who earned points (shares, clicks, engagement, "
    "suggestions, the policy, streaks, invitations) at least once in the period. The average "
    "is the team's points in the period divided by its active members, so small teams can win."
)

#: Campaign statuses whose board members may see (a draft or scheduled one has none yet).
VISIBLE_CAMPAIGN_STATUSES = (CampaignStatus.LIVE, CampaignStatus.ENDED, CampaignStatus.ARCHIVED)

LOCATIONS_CACHE_SECONDS = 300
TOP_DEFAULT = 10
TOP_MAX = 50
AROUND_DEFAULT = 2
AROUND_MAX = 5


def org_zone(organization: Organization) -> ZoneInfo:
    try:
        return ZoneInfo(organization.time_zone or "UTC")
    except (ValueError, KeyError):  # an unknown zone name: UTC rather than a 500
        return ZoneInfo("UTC")


def period_window(
    period: str, organization: Organization, now: datetime | None = None
) -> tuple[datetime | None, datetime | None, str]:
    """(start, end, label) of the calendar period containing ``now`` in the organization's
    time zone; the label names the period in Redis keys (``w20261130``, ``m202612``...)."""
    if period == PERIOD_ALL:
        return None, None, "all"
    zone = org_zone(organization)
    local = timezone.localtime(now or timezone.now(), zone)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    if period == PERIOD_WEEK:
        start = day - timedelta(days=day.weekday())
        end = start + timedelta(days=7)
        label = f"w{start:%Y%m%d}"
    elif period == PERIOD_MONTH:
        start = day.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1)
        label = f"m{start:%Y%m}"
    elif period == PERIOD_QUARTER:
        quarter = (day.month - 1) // 3
        start = day.replace(month=quarter * 3 + 1, day=1)
        end = (start + timedelta(days=95)).replace(day=1)
        label = f"q{start.year}{quarter + 1}"
    elif period == PERIOD_YEAR:
        start = day.replace(month=1, day=1)
        end = start.replace(year=start.year + 1)
        label = f"y{start.year}"
    else:
        raise ValueError(period)
    # Local midnight, then to an aware instant (fold=0: the first of an ambiguous hour).
    return start.replace(tzinfo=zone), end.replace(tzinfo=zone), label


def location_token(location: str) -> str:
    return hashlib.sha256(location.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Board:
    organization: Organization
    kind: str = KIND_OVERALL
    period: str = PERIOD_ALL
    metric: str = METRIC_POINTS
    campaign: Campaign | None = None
    department: Department | None = None
    location: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    period_label: str = "all"

    @property
    def scope_token(self) -> str:
        if self.kind == KIND_CAMPAIGN and self.campaign is not None:
            return f"c{self.campaign.pk}"
        if self.kind == KIND_DEPARTMENT and self.department is not None:
            return f"d{self.department.pk}"
        if self.kind == KIND_LOCATION:
            return f"l{location_token(self.location)}"
        return "all"

    @property
    def key(self) -> str:
        return board_key(self.organization.pk, self.scope_token, self.metric, self.period_label)

    @property
    def from_ledger(self) -> bool:
        return self.metric == METRIC_POINTS

    @property
    def title(self) -> str:
        if self.kind == KIND_CAMPAIGN and self.campaign is not None:
            return self.campaign.name
        if self.kind == KIND_DEPARTMENT and self.department is not None:
            return self.department.name
        if self.kind == KIND_LOCATION:
            return self.location
        return str(KIND_LABELS[KIND_OVERALL])

    @property
    def metric_label(self) -> str:
        return str(METRIC_LABELS[self.metric])

    @property
    def metric_definition(self) -> str:
        return str(METRIC_DEFINITIONS[self.metric])

    @property
    def period_name(self) -> str:
        return str(PERIOD_LABELS[self.period])

    def params(self) -> dict[str, str]:
        """The query parameters that name this board (pages and API)."""
        out = {"board": self.kind, "period": self.period}
        if self.metric != METRIC_POINTS:
            out["metric"] = self.metric
        if self.campaign is not None:
            out["campaign"] = str(self.campaign.pk)
        if self.department is not None:
            out["department"] = str(self.department.pk)
        if self.location:
            out["location"] = self.location
        return out


def board_key(organization_id: int, scope: str, metric: str, period_label: str) -> str:
    return f"chorus:lb:{organization_id}:{scope}:{metric}:{period_label}"


def org_key_registry(organization_id: int) -> str:
    """A Redis set of every board key of the organization (for invalidation)."""
    return f"chorus:lb:{organization_id}:keys"


def _one(params: Any, name: str) -> str:
    value = params.get(name, "")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return value.strip() if isinstance(value, str) else ""


def board_resolve(
    organization: Organization,
    params: Any,
    *,
    now: datetime | None = None,
    membership: Membership | None = None,
) -> Board:
    """The board ``params`` (a QueryDict or dict of strings) names, with sensible defaults
    (the member's own department or location when none is given); raises
    ``ValidationError`` with a message per field for anything it cannot accept."""
    errors: dict[str, list[str]] = {}
    kind = _one(params, "board") or KIND_OVERALL
    if kind not in KINDS:
        errors["board"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(KINDS)}]
    metric = _one(params, "metric") or METRIC_POINTS
    if metric not in METRICS:
        errors["metric"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(METRICS)}]
    period = _one(params, "period") or (PERIOD_CAMPAIGN if kind == KIND_CAMPAIGN else PERIOD_WEEK)
    if period not in PERIODS:
        errors["period"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(PERIODS)}]
    elif kind == KIND_CAMPAIGN and period != PERIOD_CAMPAIGN:
        errors["period"] = [_("A campaign board covers the campaign's dates: use “campaign”.")]
    elif kind != KIND_CAMPAIGN and period == PERIOD_CAMPAIGN:
        errors["period"] = [_("“campaign” is the period of campaign boards only.")]
    if metric in SHARE_METRICS and kind != KIND_CAMPAIGN:
        errors.setdefault("metric", []).append(
            _("Impressions, engagement and clicks rank campaign boards only.")
        )
    campaign = department = None
    location = ""
    if kind == KIND_CAMPAIGN:
        raw = _one(params, "campaign")
        if not raw.isdigit() or len(raw) > 18:
            errors["campaign"] = [_("Give the campaign's id.")]
        else:
            campaign = Campaign.objects.filter(
                organization=organization, pk=int(raw), status__in=VISIBLE_CAMPAIGN_STATUSES
            ).first()
            if campaign is None:
                errors["campaign"] = [_("No live or ended campaign has this id.")]
    elif kind == KIND_DEPARTMENT:
        raw = _one(params, "department")
        if not raw and membership is not None and membership.department_id:
            raw = str(membership.department_id)
        if not raw.isdigit() or len(raw) > 18:
            errors["department"] = [_("Give the department's id.")]
        else:
            department = Department.objects.filter(organization=organization, pk=int(raw)).first()
            if department is None:
                errors["department"] = [_("No department has this id.")]
    elif kind == KIND_LOCATION:
        location = _one(params, "location") or (membership.location if membership else "")
        if not location or len(location) > 120 or "\x00" in location:
            errors["location"] = [_("Give a location (at most 120 characters).")]
    if errors:
        raise ValidationError(errors)
    if kind == KIND_CAMPAIGN:
        assert campaign is not None
        return Board(
            organization=organization,
            kind=kind,
            period=PERIOD_CAMPAIGN,
            metric=metric,
            campaign=campaign,
            starts_at=campaign.starts_at,
            ends_at=campaign.ends_at,
            period_label="camp",
        )
    start, end, label = period_window(period, organization, now)
    return Board(
        organization=organization,
        kind=kind,
        period=period,
        metric=metric,
        department=department,
        location=location,
        starts_at=start,
        ends_at=end,
        period_label=label,
    )


def campaign_board(campaign: Campaign, metric: str = METRIC_POINTS) -> Board:
    return Board(
        organization=campaign.organization,
        kind=KIND_CAMPAIGN,
        period=PERIOD_CAMPAIGN,
        metric=metric,
        campaign=campaign,
        starts_at=campaign.starts_at,
        ends_at=campaign.ends_at,
        period_label="camp",
    )


# --- Who sees what -----------------------------------------------------------------------


def recognition_settings(organization: Organization) -> RecognitionSettings:
    found = RecognitionSettings.objects.filter(organization=organization).first()
    return found or RecognitionSettings(organization=organization)


def sees_boards(membership: Membership, settings_row: RecognitionSettings | None = None) -> bool:
    """Whether the member sees the boards' tops (else only their own rank)."""
    if has_capability(membership, Capability.MANAGE_CAMPAIGNS) or has_capability(
        membership, Capability.VIEW_ANALYTICS
    ):
        return True
    row = settings_row or recognition_settings(membership.organization)
    return row.public_leaderboards


# --- The answer --------------------------------------------------------------------------


@dataclass
class BoardRow:
    rank: int
    membership_id: int
    score: int
    name: str
    department: str
    anonymous: bool
    is_me: bool


@dataclass
class BoardResult:
    board: Board
    participants: int
    top: list[BoardRow] = field(default_factory=list)
    me: BoardRow | None = None
    neighbours: list[BoardRow] = field(default_factory=list)
    source: str = "database"  # "redis" or "database"
    public: bool = True


@dataclass
class _Raw:
    """Ranked ids and scores, before names: what both paths compute."""

    participants: int
    top: list[tuple[int, int, int]]  # (rank, membership_id, score)
    me: tuple[int, int, int] | None
    window: list[tuple[int, int, int]]


# --- Redis -------------------------------------------------------------------------------

#: After Redis failed, this process answers from the database for this long before it tries
#: Redis again (an unreachable Redis costs one timeout, not one per request).
REDIS_RETRY_SECONDS = 5.0
REDIS_SOCKET_TIMEOUT = 0.25

_clients: dict[str, redis.Redis] = {}
_clients_lock = threading.Lock()
_down_until: dict[str, float] = {}

BOARD_ERRORS: tuple[type[BaseException], ...] = (redis.RedisError, OSError)


def boards_redis_url() -> str:
    return getattr(settings, "LEADERBOARDS_REDIS_URL", "") or settings.REDIS_URL or ""


def boards_redis() -> redis.Redis | None:
    """The boards' Redis client, or ``None`` without Redis or while it is marked down."""
    url = boards_redis_url()
    if not url:
        return None
    if _down_until.get(url, 0.0) > time.monotonic():
        return None
    client = _clients.get(url)
    if client is None:
        with _clients_lock:
            client = _clients.get(url)
            if client is None:
                client = redis.Redis.from_url(
                    url,
                    socket_timeout=REDIS_SOCKET_TIMEOUT,
                    socket_connect_timeout=REDIS_SOCKET_TIMEOUT,
                    retry_on_timeout=False,
                )
                _clients[url] = client
    return client


def boards_redis_failed(error: BaseException) -> None:
    url = boards_redis_url()
    _down_until[url] = time.monotonic() + REDIS_RETRY_SECONDS
    log.warning("leaderboards: Redis unavailable (%s); answering from the database", error)


def boards_redis_reset() -> None:
    """Forget clients and down marks (tests, and after settings change)."""
    with _clients_lock:
        _clients.clear()
    _down_until.clear()


def member_token(membership_id: int) -> str:
    return f"{membership_id:012d}"


# One round trip: top, card, own rank and neighbours, each with its competition rank
# (1 + how many scores are strictly better; scores are negated, so better = lower).
_READ_LUA = """
local key = KEYS[1]
if redis.call('EXISTS', key .. ':built') == 0 then return false end
local top_n = tonumber(ARGV[2])
local around = tonumber(ARGV[3])
local function ranked(flat)
  local out = {}
  for i = 1, #flat, 2 do
    local better = redis.call('ZCOUNT', key, '-inf', '(' .. flat[i + 1])
    out[#out + 1] = {flat[i], flat[i + 1], better + 1}
  end
  return out
end
local top = {}
if top_n > 0 then top = ranked(redis.call('ZRANGE', key, 0, top_n - 1, 'WITHSCORES')) end
local card = redis.call('ZCARD', key)
local me = redis.call('ZRANK', key, ARGV[1])
local window = {}
if me then
  local lo = me - around
  if lo < 0 then lo = 0 end
  window = ranked(redis.call('ZRANGE', key, lo, me + around, 'WITHSCORES'))
else
  me = -1
end
return {card, me, top, window}
"""
_read_scripts: dict[int, Any] = {}


def _redis_raw(client: redis.Redis, board: Board, me_id: int | None, top_n: int, around: int):
    script = _read_scripts.get(id(client))
    if script is None:
        script = client.register_script(_READ_LUA)
        _read_scripts[id(client)] = script
    answer = script(keys=[board.key], args=[member_token(me_id or 0), top_n, around])
    if answer is None:
        return None
    card, me_pos, top, window = answer

    def rows(flat: list[Any]) -> list[tuple[int, int, int]]:
        return [(int(rank), int(member), -round(float(score))) for member, score, rank in flat]

    window_rows = rows(window)
    me_row = None
    if int(me_pos) >= 0 and me_id is not None:
        me_row = next((r for r in window_rows if r[1] == me_id), None)
    return _Raw(participants=int(card), top=rows(top), me=me_row, window=window_rows)


# --- The database ------------------------------------------------------------------------


def board_scores(board: Board) -> QuerySet:
    """``membership_id``, ``score`` of every member on the board (active members only), as a
    grouped query; the database path ranks it, the rebuild copies it into Redis."""
    org = board.organization
    if board.metric in SHARE_METRICS:
        from social.models import Share, ShareState

        shares = Share.objects.filter(
            organization=org,
            campaign=board.campaign,
            state=ShareState.PUBLISHED,
            membership__is_active=True,
        )
        if board.metric == METRIC_IMPRESSIONS:
            expr: Any = Coalesce(F("impressions"), 0)
        elif board.metric == METRIC_ENGAGEMENT:
            expr = (
                Coalesce(F("reactions"), 0)
                + Coalesce(F("comments"), 0)
                + Coalesce(F("reshares"), 0)
            )
        else:
            expr = F("clicks")
        return (
            shares.values("membership_id")
            .annotate(score=Coalesce(Sum(expr, output_field=IntegerField()), 0))
            .exclude(score=0)
            .values("membership_id", "score")
            .order_by()
        )
    if board.kind != KIND_CAMPAIGN and board.period == PERIOD_ALL:
        # All time: the ledger's running sums (kept in the entry's transaction).
        qs = PointsBalance.objects.filter(organization=org, membership__is_active=True)
        qs = _member_filter(qs, board, "membership__")
        return qs.exclude(lifetime=0).annotate(score=F("lifetime")).values("membership_id", "score")
    entries = PointsEntry.objects.filter(organization=org, membership__is_active=True)
    if board.kind == KIND_CAMPAIGN:
        entries = entries.filter(campaign=board.campaign)
    else:
        entries = entries.filter(occurred_at__gte=board.starts_at, occurred_at__lt=board.ends_at)
    entries = _member_filter(entries, board, "membership__")
    return (
        entries.values("membership_id")
        .annotate(score=Sum("points"))
        .exclude(score=0)
        .values("membership_id", "score")
        .order_by()
    )


def _member_filter(qs: QuerySet, board: Board, prefix: str) -> QuerySet:
    if board.kind == KIND_DEPARTMENT:
        return qs.filter(**{f"{prefix}department": board.department})
    if board.kind == KIND_LOCATION:
        return qs.filter(**{f"{prefix}location": board.location})
    return qs


def _db_raw(board: Board, me_id: int | None, top_n: int, around: int) -> _Raw:
    """Five queries whatever the board's size: the top (``ORDER BY score DESC,
    membership_id LIMIT n``), the own score, the neighbours above and below (keyset: the
    ``around`` rows just before and just after the own row in the same order), and one
    aggregate that counts the participants and, for each distinct score shown, how many
    score more (its competition rank, the same as ``RANK()``)."""
    scores = board_scores(board)
    top_pairs = (
        list(
            scores.order_by("-score", "membership_id").values_list("membership_id", "score")[:top_n]
        )
        if top_n
        else []
    )
    window_pairs: list[tuple[int, int]] = []
    if me_id is not None:
        mine = next(
            iter(scores.filter(membership_id=me_id).values_list("membership_id", "score")[:1]),
            None,
        )
        if mine is not None:
            score = mine[1]
            better_or_before = Q(score__gt=score) | Q(score=score, membership_id__lt=me_id)
            after = Q(score__lt=score) | Q(score=score, membership_id__gt=me_id)
            above = (
                list(
                    scores.filter(better_or_before)
                    .order_by("score", "-membership_id")
                    .values_list("membership_id", "score")[:around]
                )
                if around
                else []
            )
            below = (
                list(
                    scores.filter(after)
                    .order_by("-score", "membership_id")
                    .values_list("membership_id", "score")[:around]
                )
                if around
                else []
            )
            window_pairs = [*reversed(above), (me_id, score), *below]
    distinct = sorted({score for _mid, score in [*top_pairs, *window_pairs]})
    counts = scores.aggregate(
        participants=Count("membership_id"),
        **{f"s{i}": Count("membership_id", filter=Q(score__gt=v)) for i, v in enumerate(distinct)},
    )
    better = {v: counts[f"s{i}"] for i, v in enumerate(distinct)}
    top = [(better[sc] + 1, mid, sc) for mid, sc in top_pairs]
    window = [(better[sc] + 1, mid, sc) for mid, sc in window_pairs]
    me = next((r for r in window if r[1] == me_id), None)
    return _Raw(participants=counts["participants"], top=top, me=me, window=window)


# --- Names -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """What a board shows of a member (one light query for every row of a board)."""

    membership_id: int
    is_active: bool
    name: str
    email: str
    department: str
    anonymous: bool


def _people(organization: Organization, ids: set[int]) -> dict[int, Person]:
    """The rows' people in one plain query (hand-written: the ORM's compile of the same
    query cost more than the query itself, and this runs on every board read)."""
    if not ids:
        return {}
    from advocacy.models import User

    member, user, department, balance = (
        Membership._meta.db_table,
        User._meta.db_table,
        Department._meta.db_table,
        PointsBalance._meta.db_table,
    )
    marks = ", ".join(["%s"] * len(ids))
    # Table names come from the models' meta; every value is a parameter.
    sql = (
        f"SELECT m.id, m.is_active, u.name, u.email, d.name, b.anonymous_on_boards "  # noqa: S608
        f"FROM {member} m JOIN {user} u ON u.id = m.user_id "
        f"LEFT JOIN {department} d ON d.id = m.department_id "
        f"LEFT JOIN {balance} b ON b.membership_id = m.id "
        f"WHERE m.organization_id = %s AND m.id IN ({marks})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [organization.pk, *sorted(ids)])
        rows = cursor.fetchall()
    return {
        pk: Person(pk, bool(active), name or "", email, dept or "", bool(anonymous))
        for pk, active, name, email, dept, anonymous in rows
    }


def display_name(person: Person, *, viewer_id: int | None) -> str:
    if person.anonymous and person.membership_id != viewer_id:
        if person.department:
            return _("A colleague in %(department)s") % {"department": person.department}
        return _("A colleague")
    return person.name or person.email.split("@")[0]


def _rows(
    raw: list[tuple[int, int, int]], people: dict[int, Person], viewer_id: int | None
) -> list[BoardRow]:
    out = []
    for rank, mid, score in raw:
        person = people[mid]
        out.append(
            BoardRow(
                rank=rank,
                membership_id=mid,
                score=score,
                name=display_name(person, viewer_id=viewer_id),
                department=person.department,
                anonymous=person.anonymous and mid != viewer_id,
                is_me=mid == viewer_id,
            )
        )
    return out


def board_read(
    board: Board,
    *,
    viewer: Membership | None,
    top_n: int = TOP_DEFAULT,
    around: int = AROUND_DEFAULT,
    public: bool = True,
    use_redis: bool = True,
) -> BoardResult:
    """Top ``top_n``, the viewer's rank and ``around`` neighbours each side.

    ``public=False`` (the viewer may not see others): the top and neighbours are left out
    and only the viewer's own rank is answered. Redis first; on a miss the database answers
    and a rebuild of the board is scheduled; on a Redis error the database answers."""
    me_id = viewer.pk if viewer is not None else None
    if not public:
        top_n, around = 0, 0
    raw = None
    source = "database"
    client = boards_redis() if use_redis else None
    if client is not None:
        try:
            for _attempt in range(2):
                raw = _redis_raw(client, board, me_id, top_n, around)
                if raw is None:
                    break
                people = _people(board.organization, {r[1] for r in [*raw.top, *raw.window]})
                gone = {r[1] for r in [*raw.top, *raw.window]} - {
                    p for p, m in people.items() if m.is_active
                }
                if not gone:
                    source = "redis"
                    break
                # A member deactivated (or moved) since the board was built: drop and re-read.
                client.zrem(board.key, *[member_token(g) for g in gone])
                raw = None
        except BOARD_ERRORS as error:
            boards_redis_failed(error)
            raw = None
        if raw is None and source != "redis":
            from ..services.boards import board_rebuild_schedule

            board_rebuild_schedule(board)
    if raw is None or source != "redis":
        raw = _db_raw(board, me_id, top_n, around)
        people = _people(board.organization, {r[1] for r in [*raw.top, *raw.window]})
    rows_top = _rows(raw.top, people, me_id)
    window = _rows(raw.window, people, me_id)
    me = next((r for r in window if r.is_me), None)
    return BoardResult(
        board=board,
        participants=raw.participants,
        top=rows_top,
        me=me,
        neighbours=window if public else ([me] if me else []),
        source=source,
        public=public,
    )


def campaign_board_for(
    campaign: Campaign,
    viewer: Membership,
    *,
    metric: str | None = None,
    top_n: int = 5,
    around: int = AROUND_DEFAULT,
) -> BoardResult:
    """The campaign's board for its page (``campaigns/boards/_campaign_board.html``): by
    the campaign's goal metric when it is impressions, engagement or clicks, else points."""
    if metric is None:
        metric = campaign.goal_metric if campaign.goal_metric in SHARE_METRICS else METRIC_POINTS
    return board_read(
        campaign_board(campaign, metric),
        viewer=viewer,
        top_n=top_n,
        around=around,
        public=sees_boards(viewer),
    )


# --- Team boards -------------------------------------------------------------------------


@dataclass
class TeamRow:
    department_id: int
    name: str
    total: int
    active_members: int
    average: float
    rank_total: int = 0
    rank_average: int = 0
    is_mine: bool = False


def team_board(board: Board, *, viewer: Membership | None = None) -> list[TeamRow]:
    """Departments over ``board``'s period: total points and the average per active member
    (``ACTIVE_MEMBER_DEFINITION``), each with its competition rank; ordered by average."""
    org = board.organization
    entries = PointsEntry.objects.filter(
        organization=org, membership__is_active=True, membership__department__isnull=False
    )
    if board.starts_at is not None and board.ends_at is not None:
        entries = entries.filter(occurred_at__gte=board.starts_at, occurred_at__lt=board.ends_at)
    if board.kind == KIND_CAMPAIGN and board.campaign is not None:
        entries = entries.filter(campaign=board.campaign)
    grouped = (
        entries.values("membership__department_id")
        .annotate(
            total=Sum("points"),
            active=Count(
                "membership_id",
                filter=Q(action__in=EARNING_ACTIONS, points__gt=0),
                distinct=True,
            ),
        )
        .order_by()
    )
    sums = {g["membership__department_id"]: g for g in grouped}
    departments = Department.objects.filter(organization=org).filter(
        Exists(Membership.objects.filter(department=OuterRef("pk"), is_active=True))
    )
    rows = []
    for dept in departments:
        g = sums.get(dept.pk, {})
        total = int(g.get("total") or 0)
        active = int(g.get("active") or 0)
        rows.append(
            TeamRow(
                department_id=dept.pk,
                name=dept.name,
                total=total,
                active_members=active,
                average=round(total / active, 1) if active else 0.0,
                is_mine=viewer is not None and viewer.department_id == dept.pk,
            )
        )
    for attr, rank_attr in (("total", "rank_total"), ("average", "rank_average")):
        for row in rows:
            setattr(
                row, rank_attr, 1 + sum(1 for o in rows if getattr(o, attr) > getattr(row, attr))
            )
    rows.sort(key=lambda r: (r.rank_average, r.rank_total, r.name, r.department_id))
    return rows


def board_choices(organization: Organization) -> dict[str, Any]:
    """What the pickers offer: departments, locations (the members' distinct locations, a
    scan of the members: cached for ``LOCATIONS_CACHE_SECONDS``), campaigns."""
    from advocacy.soft_cache import soft_cache

    cache_key = f"campaigns:boards:locations:{organization.pk}"
    locations = soft_cache.get(cache_key)
    if locations is None:
        locations = list(
            Membership.objects.filter(organization=organization, is_active=True)
            .exclude(location="")
            .values_list("location", flat=True)
            .distinct()
            .order_by("location")[:200]
        )
        soft_cache.set(cache_key, locations, LOCATIONS_CACHE_SECONDS)
    return {
        "departments": list(Department.objects.filter(organization=organization).order_by("name")),
        "locations": locations,
        "campaigns": list(
            Campaign.objects.filter(
                organization=organization, status__in=VISIBLE_CAMPAIGN_STATUSES
            ).order_by("-starts_at")[:50]
        ),
    }
