"""Leaderboards' writes: the Redis boards kept in step with the ledger, their rebuild, and
the two choices people make (an organization's public boards, a member's anonymity).

**Keys.** ``chorus:lb:<org>:<scope>:<metric>:<period>`` is a sorted set (member: the
zero-padded membership id; score: minus the member's score, see
``campaigns/selectors/boards.py``); ``<key>:built`` says the board is built (a board with
nobody on it has no sorted set); ``<key>:pending`` exists while the board is rebuilt.
``chorus:lb:<org>:keys`` lists an organization's boards for invalidation. Every board
expires (``BOARD_TTL_SECONDS``; share metric boards after ``METRIC_BOARD_TTL_SECONDS``) and
is rebuilt from the ledger on its next read, so whatever a board missed while Redis was
away is corrected within that time, at the next move this process makes once Redis is
back, or at once by ``manage.py rebuild_leaderboards``.

**Moving a board** (``points_recorded``, after the ledger's transaction commits): one Lua
call adds each entry to the boards it counts on (everyone, the member's department and
location, each for all time and for the week, month, quarter and year the entry's moment
falls in, in the organization's time zone, and its campaign's board), but only to boards
that are built: a board is never started from a partial sum.

**Rebuilding a board** (``board_rebuild``) reads the board's scores from the ledger (all
entries, not the balances) in one snapshot and replaces the board atomically; moves that
arrive meanwhile are noted on the pending list and those the snapshot did not see are
added in the same atomic step, so an entry recorded during a rebuild is neither lost nor
counted twice.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from advocacy.models import Membership, Organization
from advocacy.permissions import Capability, capability_require
from advocacy.services.audit import audit_log_record

from ..models import PointsBalance, PointsEntry, RecognitionSettings
from ..selectors.boards import (
    BOARD_ERRORS,
    CALENDAR_PERIODS,
    KIND_CAMPAIGN,
    KIND_DEPARTMENT,
    KIND_LOCATION,
    KIND_OVERALL,
    METRIC_POINTS,
    PERIOD_ALL,
    Board,
    board_key,
    board_scores,
    boards_redis,
    boards_redis_failed,
    location_token,
    member_token,
    org_key_registry,
    period_window,
)

log = logging.getLogger(__name__)

#: A ledger board lives this long after its build, then is rebuilt from the ledger.
BOARD_TTL_SECONDS = 6 * 3600
#: A share-metric board (impressions, engagement, clicks) follows the metrics pulled back
#: from the networks; it is rebuilt this often.
METRIC_BOARD_TTL_SECONDS = 600
#: Rebuild lock: one rebuild of a board at a time.
REBUILD_LOCK_SECONDS = 120
ZADD_CHUNK = 5000

# KEYS[i] is moved by the triple ARGV[3i-2 .. 3i] = (member, -points, entry id): noted on
# the board's pending list while a rebuild runs, and applied when the board is built; a
# member whose score comes back to 0 leaves the board (as in a rebuild and the database).
# (Key names are derived in the script: one Redis, not a cluster.)
_APPLY_LUA = """
local moved = 0
for i, key in ipairs(KEYS) do
  local member, delta, id = ARGV[3 * i - 2], ARGV[3 * i - 1], ARGV[3 * i]
  if redis.call('EXISTS', key .. ':pending') == 1 then
    redis.call('RPUSH', key .. ':pending', id .. ' ' .. member .. ' ' .. delta)
  end
  if redis.call('EXISTS', key .. ':built') == 1 then
    local score = redis.call('ZINCRBY', key, delta, member)
    if tonumber(score) == 0 then redis.call('ZREM', key, member) end
    moved = moved + 1
  end
end
return moved
"""
# The end of a rebuild, atomically: unless moves arrived since they were checked (then the
# caller checks those and tries again), the new board replaces the old one, gets the moves
# its snapshot of the ledger did not see, and is marked built.
# KEYS: board, tmp, pending, built, registry; ARGV: checked length, ttl, registry ttl, then
# (member, -points) pairs.
_FINISH_LUA = """
if redis.call('LLEN', KEYS[3]) ~= tonumber(ARGV[1]) then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('RENAME', KEYS[2], KEYS[1])
else
  redis.call('DEL', KEYS[1])
end
for i = 4, #ARGV, 2 do
  local score = redis.call('ZINCRBY', KEYS[1], ARGV[i + 1], ARGV[i])
  if tonumber(score) == 0 then redis.call('ZREM', KEYS[1], ARGV[i]) end
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('SET', KEYS[4], '1', 'EX', ARGV[2])
redis.call('DEL', KEYS[3])
redis.call('SADD', KEYS[5], KEYS[1])
redis.call('EXPIRE', KEYS[5], ARGV[3])
return 1
"""
_apply_scripts: dict[tuple[int, str], Any] = {}
#: Organizations whose boards missed a move in this process while Redis was away: their
#: boards are dropped (rebuilt on read) as soon as Redis answers again.
_missed_orgs: set[int] = set()


def _script(client: Any, source: str = _APPLY_LUA) -> Any:
    script = _apply_scripts.get((id(client), source))
    if script is None:
        script = client.register_script(source)
        _apply_scripts[(id(client), source)] = script
    return script


def entry_board_keys(
    entry: PointsEntry, *, membership: Membership, organization: Organization
) -> list[str]:
    """Every ledger board ``entry`` counts on (points metric)."""
    scopes = ["all"]
    if membership.department_id:
        scopes.append(f"d{membership.department_id}")
    if membership.location:
        scopes.append(f"l{location_token(membership.location)}")
    labels = ["all"]
    for period in CALENDAR_PERIODS:
        if period != PERIOD_ALL:
            labels.append(period_window(period, organization, entry.occurred_at)[2])
    keys = [board_key(organization.pk, s, METRIC_POINTS, label) for s in scopes for label in labels]
    if entry.campaign_id:
        keys.append(board_key(organization.pk, f"c{entry.campaign_id}", METRIC_POINTS, "camp"))
    return keys


def boards_apply_entries(*, organization_id: int, entries: Iterable[PointsEntry]) -> int:
    """Move the built boards by ``entries`` (the ``points_recorded`` receiver's work);
    returns how many board moves were made. Never raises for Redis: a board that missed a
    move is dropped when Redis is back, and rebuilt on its next read."""
    entries = [e for e in entries if e.points]
    client = boards_redis()
    if client is None or not entries:
        if client is None and entries and _redis_configured():
            _missed_orgs.add(organization_id)
        return 0
    members = {
        m.pk: m
        for m in Membership.objects.filter(
            organization_id=organization_id, pk__in={e.membership_id for e in entries}
        ).select_related("organization")
    }
    if not members:
        return 0
    organization = next(iter(members.values())).organization
    keys: list[str] = []
    args: list[Any] = []
    for entry in entries:
        member = members.get(entry.membership_id)
        if member is None or not member.is_active:
            continue
        for key in entry_board_keys(entry, membership=member, organization=organization):
            keys.append(key)
            args.extend([member_token(member.pk), -entry.points, entry.pk])
    if not keys:
        return 0
    try:
        if _missed_orgs:
            for org_id in list(_missed_orgs):
                boards_invalidate(organization_id=org_id, client=client)
                _missed_orgs.discard(org_id)
        return int(_script(client)(keys=keys, args=args))
    except BOARD_ERRORS as error:
        boards_redis_failed(error)
        _missed_orgs.add(organization_id)
        return 0


def _redis_configured() -> bool:
    from ..selectors.boards import boards_redis_url

    return bool(boards_redis_url())


def on_points_recorded(
    sender: Any, *, organization_id: int, entries: list[PointsEntry], **kwargs: Any
) -> None:
    boards_apply_entries(organization_id=organization_id, entries=entries)


def ledger_scores(board: Board) -> list[tuple[int, int]]:
    """(membership_id, score) of every member on ``board``, from the ledger itself (all
    time included: the entries' sum, not the balances)."""
    if board.metric != METRIC_POINTS:
        return list(board_scores(board).values_list("membership_id", "score"))
    entries = PointsEntry.objects.filter(
        organization=board.organization, membership__is_active=True
    )
    if board.kind == KIND_CAMPAIGN:
        entries = entries.filter(campaign=board.campaign)
    elif board.starts_at is not None and board.ends_at is not None:
        entries = entries.filter(occurred_at__gte=board.starts_at, occurred_at__lt=board.ends_at)
    if board.kind == KIND_DEPARTMENT:
        entries = entries.filter(membership__department=board.department)
    elif board.kind == KIND_LOCATION:
        entries = entries.filter(membership__location=board.location)
    return [
        (mid, int(score))
        for mid, score in entries.values("membership_id")
        .annotate(score=Sum("points"))
        .values_list("membership_id", "score")
        .order_by()
        if score
    ]


@contextlib.contextmanager
def _ledger_snapshot() -> Iterator[None]:
    """One consistent view of the ledger for a rebuild: a ``REPEATABLE READ`` transaction
    on PostgreSQL (every query in it sees the same committed entries). Inside an outer
    transaction (tests) the outer one's view is used."""
    outer = connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and not outer:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


FINISH_ATTEMPTS = 20


def board_rebuild(
    board: Board, *, client: Any = None, after_snapshot: Callable[[], None] | None = None
) -> int:
    """Rebuild ``board`` in Redis from the ledger; returns how many members it holds, or -1
    without Redis (or with Redis down).

    Neither lost nor counted twice, whatever is recorded meanwhile: before reading the ledger
    the board gets a pending list, onto which every move of it is noted from then on; the
    ledger is read in one snapshot; the pending moves that snapshot did not see are applied
    to the new board in the same atomic step that replaces the old one. ``after_snapshot``
    runs once the snapshot is taken (tests record entries there)."""
    client = client or boards_redis()
    if client is None:
        return -1
    ttl = BOARD_TTL_SECONDS if board.metric == METRIC_POINTS else METRIC_BOARD_TTL_SECONDS
    key = board.key
    pending = f"{key}:pending"
    tmp = f"{key}:building:{uuid.uuid4().hex}"
    registry = org_key_registry(board.organization.pk)
    finish = _script(client, _FINISH_LUA)
    try:
        pipe = client.pipeline(transaction=True)
        pipe.delete(pending)
        pipe.rpush(pending, "begin")
        pipe.expire(pending, REBUILD_LOCK_SECONDS)
        pipe.execute()
        with _ledger_snapshot():
            scores = ledger_scores(board)
            if after_snapshot is not None:
                after_snapshot()
            for start in range(0, len(scores), ZADD_CHUNK):
                chunk = scores[start : start + ZADD_CHUNK]
                client.zadd(tmp, {member_token(mid): -score for mid, score in chunk})
            checked = 1  # the "begin" marker
            unseen: list[Any] = []
            for _attempt in range(FINISH_ATTEMPTS):
                moves = [m.decode().split(" ") for m in client.lrange(pending, checked, -1)]
                checked += len(moves)
                seen = set(
                    PointsEntry.objects.filter(
                        organization=board.organization, pk__in=[int(m[0]) for m in moves]
                    ).values_list("pk", flat=True)
                )
                for entry_id, member, delta in moves:
                    if int(entry_id) not in seen:
                        unseen.extend([member, delta])
                done = finish(
                    keys=[key, tmp, pending, f"{key}:built", registry],
                    args=[checked, ttl, BOARD_TTL_SECONDS * 2, *unseen],
                )
                if done:
                    break
            else:
                log.warning("leaderboards: %s kept moving; rebuild given up", key)
                client.delete(pending)
                return -1
    except BOARD_ERRORS as error:
        boards_redis_failed(error)
        return -1
    finally:
        with contextlib.suppress(*BOARD_ERRORS):
            client.delete(tmp)
    return len(scores)


def board_rebuild_schedule(board: Board) -> None:
    """A read missed ``board`` in Redis: rebuild it in the background (once at a time)."""
    client = boards_redis()
    if client is None:
        return
    try:
        if not client.set(f"{board.key}:lock", 1, nx=True, ex=REBUILD_LOCK_SECONDS):
            return
    except BOARD_ERRORS as error:
        boards_redis_failed(error)
        return
    from ..tasks.boards import bulk_leaderboard_rebuild

    params = board.params()

    def enqueue() -> None:
        try:
            bulk_leaderboard_rebuild.delay(board.organization.pk, params)
        except Exception:
            log.warning("leaderboards: could not enqueue a rebuild of %s", board.key)
            with contextlib.suppress(*BOARD_ERRORS):
                client.delete(f"{board.key}:lock")

    transaction.on_commit(enqueue)


def boards_invalidate(*, organization_id: int, client: Any = None, scopes: str = "") -> int:
    """Drop the organization's built boards (all, or those whose scope starts with one of
    ``scopes``' letters, e.g. ``"dl"``); each is rebuilt from the ledger on its next read."""
    client = client or boards_redis()
    if client is None:
        return 0
    try:
        registry = org_key_registry(organization_id)
        keys = [k.decode() for k in client.smembers(registry)]
        prefix = f"chorus:lb:{organization_id}:"
        doomed = [k for k in keys if not scopes or k[len(prefix) : len(prefix) + 1] in scopes]
        if doomed:
            client.delete(*doomed, *[f"{k}:built" for k in doomed])
            client.srem(registry, *doomed)
        return len(doomed)
    except BOARD_ERRORS as error:
        boards_redis_failed(error)
        _missed_orgs.add(organization_id)
        return 0


def on_membership_saved(
    sender: Any, *, instance: Membership, created: bool, update_fields: Any, **kwargs: Any
) -> None:
    """A member moved department or location, or was (re)activated: the boards that held
    them by those are dropped (rebuilt on read)."""
    if created:
        return
    fields = set(update_fields) if update_fields is not None else None
    organization_id = instance.organization_id
    if fields is None or "is_active" in fields:
        transaction.on_commit(lambda: boards_invalidate(organization_id=organization_id))
    elif fields & {"department", "department_id", "location"}:
        transaction.on_commit(
            lambda: boards_invalidate(organization_id=organization_id, scopes="dl")
        )


def organization_boards(organization: Organization) -> list[Board]:
    """Every ledger board of the organization worth building now: everyone, each department
    and location, each calendar period, and each visible campaign's board."""
    from advocacy.models import Department

    from ..models import Campaign
    from ..selectors.boards import VISIBLE_CAMPAIGN_STATUSES, campaign_board

    boards = []
    now = timezone.now()
    scopes: list[dict[str, Any]] = [{"kind": KIND_OVERALL}]
    scopes += [
        {"kind": KIND_DEPARTMENT, "department": d}
        for d in Department.objects.filter(organization=organization)
    ]
    scopes += [
        {"kind": KIND_LOCATION, "location": loc}
        for loc in Membership.objects.filter(organization=organization, is_active=True)
        .exclude(location="")
        .values_list("location", flat=True)
        .distinct()
    ]
    for scope in scopes:
        for period in CALENDAR_PERIODS:
            start, end, label = period_window(period, organization, now)
            boards.append(
                Board(
                    organization=organization,
                    period=period,
                    starts_at=start,
                    ends_at=end,
                    period_label=label,
                    **scope,
                )
            )
    for campaign in Campaign.objects.filter(
        organization=organization, status__in=VISIBLE_CAMPAIGN_STATUSES
    ):
        boards.append(campaign_board(campaign))
    return boards


def boards_rebuild_organization(organization: Organization) -> int:
    """Drop the organization's boards and rebuild the current ones; returns how many."""
    client = boards_redis()
    if client is None:
        return 0
    boards_invalidate(organization_id=organization.pk, client=client)
    built = 0
    for board in organization_boards(organization):
        if board_rebuild(board, client=client) >= 0:
            built += 1
    return built


# --- Choices people make ------------------------------------------------------------------


def recognition_settings_update(*, actor: Membership, public_leaderboards: bool) -> Any:
    """Switch the organization's public leaderboards on or off (managers keep them)."""
    capability_require(actor, Capability.MANAGE_CAMPAIGNS)
    with transaction.atomic():
        row, _created = RecognitionSettings.objects.select_for_update().get_or_create(
            organization_id=actor.organization_id
        )
        if row.public_leaderboards == public_leaderboards:
            return row
        row.public_leaderboards = public_leaderboards
        row.save(update_fields=["public_leaderboards"])
        audit_log_record(
            organization=actor.organization,
            actor=actor.user,
            action="recognition.boards_public_changed",
            data={"public": public_leaderboards},
        )
    return row


def board_anonymity_set(*, actor: Membership, anonymous: bool) -> PointsBalance:
    """The member's own choice: appear as "a colleague in <department>" on the boards."""
    capability_require(actor, Capability.VIEW_FEED)
    with transaction.atomic():
        balance, _created = PointsBalance.objects.select_for_update().get_or_create(
            organization_id=actor.organization_id, membership=actor
        )
        if balance.anonymous_on_boards != anonymous:
            balance.anonymous_on_boards = anonymous
            balance.save(update_fields=["anonymous_on_boards"])
    return balance


def _group_by_org(entries: Iterable[PointsEntry]) -> dict[int, list[PointsEntry]]:
    out: dict[int, list[PointsEntry]] = defaultdict(list)
    for e in entries:
        out[e.organization_id].append(e)
    return out
