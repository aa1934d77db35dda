"""Tracked-link clicks: resolving a code, recording a click without slowing the redirect,
and draining the recorded clicks into the database and the counters.

The redirect (social.views.links) does two cheap things per request:

1. ``link_target_get(code)`` (``social.selectors.links``): code -> (link, organization, share, target, active), from the
   Django cache (``TRACKED_LINK_CACHE_SECONDS``) or one indexed query on ``code``.
2. ``click_record(event)``: one ``RPUSH`` of the event's JSON onto a Redis list (a tight
   socket timeout, no retries). When Redis is not configured, refuses or times out, the
   click is written straight to the database instead (one ``INSERT``), so no click is lost.

``clicks_drain`` (the ``social.tasks.clicks_drain`` beat task) moves queued events to a
processing list (``LMOVE``), inserts them in bulk (``ignore_conflicts`` on the unique
``event_id``: a retried batch never inserts twice), trims the processing list, and then
counts every not-yet-counted ``ClickEvent`` row, whichever path wrote it: the link's
human/bot counters and the share's ``clicks`` (people only) grow by ``F()`` expressions
derived from those rows, and the rows are marked ``counted`` in the same transaction.
Counting twice is therefore impossible, and so is losing a click written while Redis was away.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import logging
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import redis
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Case, F, QuerySet, Value, When
from django.http import HttpRequest
from django.utils import timezone
from redis.backoff import NoBackoff
from redis.exceptions import LockError
from redis.retry import Retry

from advocacy.dangerous import dangerously

from ..bots import detect_bot
from ..models import ClickEvent, Share, TrackedLink
from ..selectors.links import LinkTarget
from ..signals import share_clicks_counted

log = logging.getLogger(__name__)

QUEUE_KEY = "chorus:clicks:queue"
PROCESSING_KEY = "chorus:clicks:processing"
DRAIN_LOCK_KEY = "chorus:clicks:drain-lock"
DRAIN_LOCK_SECONDS = 300
#: After Redis failed on the request path, this process writes to the database for this long
#: before it tries Redis again (so an unreachable Redis costs one timeout, not one per click).
REDIS_RETRY_SECONDS = 5.0
#: The most seconds of acknowledged clicks a crash of Redis can lose. Redis runs with
#: ``--appendonly yes --appendfsync everysec`` (docker-compose.yml): every queued click is in
#: the append-only file within about a second, and Redis delays the write by at most one more
#: second while an earlier fsync is still busy, hence two (README, "Clicks and a Redis crash";
#: tested by killing a private redis-server in social/tests/test_clicks_crash.py).
CRASH_LOSS_BOUND_SECONDS = 2.0
#: Socket timeouts of the request path's Redis client (seconds).
RECORD_SOCKET_TIMEOUT = 0.1

#: Referer host (or parent domain) -> network.
REFERRER_NETWORKS: dict[str, str] = {
    "linkedin.com": "linkedin",
    "lnkd.in": "linkedin",
    "instagram.com": "instagram",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "fb.me": "facebook",
    "messenger.com": "facebook",
    "t.co": "x",
    "x.com": "x",
    "twitter.com": "x",
}


# ---- building the event ----------------------------------------------------------------------


def referrer_network(referer: str) -> str:
    """``linkedin``/``instagram``/``facebook``/``x`` from the Referer's host, ``other`` for
    any other site, ``""`` when there is none (apps and many mobile clients send none)."""
    if not referer:
        return ""
    try:
        host = (urlsplit(referer).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    if not host:
        return ""
    labels = host.split(".")
    for i in range(len(labels) - 1):
        network = REFERRER_NETWORKS.get(".".join(labels[i:]))
        if network:
            return network
    return "other"


def client_ip(request: HttpRequest) -> str:
    """The visitor's address: ``REMOTE_ADDR``, or, behind ``TRUSTED_PROXY_COUNT`` proxies that
    append to X-Forwarded-For, the hop that many places from the right (what the outermost
    trusted proxy saw; anything further left is what the client claimed)."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if hops:
            candidate = hops[-trusted] if len(hops) >= trusted else hops[0]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                return remote
    return remote


def visitor_hash(ip: str, day: str) -> str:
    """A salted, daily-changing stand-in for the address: counts unique visitors per day
    without storing (or being able to recover) the IP."""
    payload = f"{settings.CLICK_HASH_SALT}|{ip}|{day}".encode()
    return hashlib.sha256(payload).hexdigest()


def country(request: HttpRequest) -> str:
    header = settings.CLICK_COUNTRY_HEADER
    if not header:
        return ""
    value = request.headers.get(header, "").strip().upper()
    # Cloudflare uses XX (unknown) and T1 (Tor); keep only real two-letter codes.
    if len(value) == 2 and value.isalpha() and value != "XX":
        return value
    return ""


def click_event_build(
    request: HttpRequest, target: LinkTarget, *, now: datetime | None = None
) -> dict[str, Any]:
    """The click as a JSON-able dict (what goes onto the Redis list)."""
    now = now or timezone.now()
    bot = detect_bot(request.headers.get("User-Agent", ""))
    if not bot and request.method == "HEAD":
        bot = "HEAD request"  # browsers following a link never send HEAD
    return {
        "event_id": str(uuid.uuid4()),
        "organization_id": target.organization_id,
        "link_id": target.link_id,
        "share_id": target.share_id,
        "occurred_at": now.isoformat(),
        "is_bot": bool(bot),
        "bot_name": bot[:64],
        "referrer_network": referrer_network(request.headers.get("Referer", "")),
        "country": country(request),
        "visitor_hash": visitor_hash(client_ip(request), now.date().isoformat()),
    }


# ---- recording -------------------------------------------------------------------------------

_clients: dict[tuple[str, float], redis.Redis] = {}
_clients_lock = threading.Lock()
_redis_down_until: dict[str, float] = {}


def _redis(url: str, *, timeout: float) -> redis.Redis:
    key = (url, timeout)
    client = _clients.get(key)
    if client is None:
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = redis.Redis.from_url(
                    url,
                    socket_timeout=timeout,
                    socket_connect_timeout=timeout,
                    retry=Retry(NoBackoff(), 0),
                    health_check_interval=0,
                )
                _clients[key] = client
    return client


def _event_row(event: dict[str, Any]) -> ClickEvent:
    return ClickEvent(
        event_id=uuid.UUID(str(event["event_id"])),
        organization_id=int(event["organization_id"]),
        link_id=int(event["link_id"]),
        share_id=event.get("share_id"),
        occurred_at=datetime.fromisoformat(str(event["occurred_at"])),
        is_bot=bool(event.get("is_bot")),
        bot_name=str(event.get("bot_name", ""))[:64],
        referrer_network=str(event.get("referrer_network", ""))[:16],
        country=str(event.get("country", ""))[:2],
        visitor_hash=str(event.get("visitor_hash", ""))[:64],
    )


def click_store(event: dict[str, Any]) -> bool:
    """Write one click straight to the database (one INSERT); the next drain counts it."""
    try:
        _event_row(event).save(force_insert=True)
    except IntegrityError:  # the link was deleted meanwhile, or the event is already there
        log.info("click %s not stored: its link is gone or it exists", event["event_id"])
        return False
    return True


def click_record(event: dict[str, Any]) -> str:
    """Hand the click off: ``"queued"`` in Redis, ``"stored"`` in the database, or ``"lost"``
    when neither answered (logged; the redirect is served regardless)."""
    url = settings.CLICKS_REDIS_URL
    if url and _redis_down_until.get(url, 0.0) <= time.monotonic():
        try:
            _redis(url, timeout=RECORD_SOCKET_TIMEOUT).rpush(QUEUE_KEY, json.dumps(event))
            return "queued"
        except redis.RedisError as exc:
            _redis_down_until[url] = time.monotonic() + REDIS_RETRY_SECONDS
            log.warning("clicks: Redis unavailable (%s); writing clicks to the database", exc)
    try:
        return "stored" if click_store(event) else "lost"
    except DatabaseError:
        log.exception("click %s lost: neither Redis nor the database took it", event["event_id"])
        return "lost"


# ---- draining and counting -------------------------------------------------------------------


@dataclass
class DrainResult:
    taken: int = 0  # events taken off the Redis list
    inserted: int = 0  # new ClickEvent rows from them
    counted: int = 0  # rows (from either path) added to the counters
    error: str = ""  # Redis trouble, if any (the rows already in the database still count)


# ---- the drain's cross-tenant lookups (one buffer for the whole installation) ----------------
# The counters are then updated by the ids these return; each row keeps its own organization.


@dangerously(
    "The click drain takes events of every organization off the one buffer; each event's "
    "organization and share are taken from its link row, never from the queued payload."
)
def dangerously_links_of_clicks(link_ids: set[int]) -> dict[int, tuple[int, int | None]]:
    """Link id -> (organization id, share id) for the links the drained events name."""
    return {
        pk: (org_id, share_id)
        for pk, org_id, share_id in TrackedLink.objects.filter(pk__in=link_ids).values_list(
            "pk", "organization_id", "share_id"
        )
    }


@dangerously("The click drain skips events already stored (a retried batch), by unique event id.")
def dangerously_click_events_stored(event_ids: Sequence[Any]) -> set[Any]:
    """The event ids among ``event_ids`` that already have a row, in any organization."""
    return set(ClickEvent.objects.filter(event_id__in=event_ids).values_list("event_id", flat=True))


@dangerously(
    "The click counter adds every organization's uncounted click rows to their own link's "
    "and share's counters, whichever path (Redis or the database fallback) wrote them."
)
def dangerously_uncounted_clicks() -> QuerySet[ClickEvent]:
    """Click rows of every organization not yet added to their counters."""
    return ClickEvent.objects.filter(counted=False)


def clicks_insert(events: list[dict[str, Any]]) -> int:
    """Bulk-insert events whose link still exists; duplicates of ``event_id`` are ignored.

    Organization and share are taken from the link row, never from the queued payload.
    Returns how many rows are new.
    """
    parsed: list[ClickEvent] = []
    for event in events:
        try:
            parsed.append(_event_row(event))
        except (KeyError, TypeError, ValueError):
            log.warning("clicks: dropping a malformed event %r", event)
    if not parsed:
        return 0
    links = dangerously_links_of_clicks({row.link_id for row in parsed})
    rows = []
    for row in parsed:
        if row.link_id not in links:
            continue
        row.organization_id, row.share_id = links[row.link_id]
        rows.append(row)
    if not rows:
        return 0
    ids = [row.event_id for row in rows]
    with transaction.atomic():
        existing = dangerously_click_events_stored(ids)
        ClickEvent.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len({i for i in ids if i not in existing})


def _added(counts: dict[int, int]) -> Case:
    return Case(
        *[When(pk=pk, then=Value(n)) for pk, n in counts.items()],
        default=Value(0),
    )


def clicks_count_batch(*, limit: int = 2000) -> int:
    """Add up to ``limit`` uncounted click rows to their counters; returns how many."""
    with transaction.atomic():
        pending = dangerously_uncounted_clicks().order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True)
        rows = list(pending.values_list("pk", "link_id", "share_id", "is_bot")[:limit])
        if not rows:
            return 0
        human: dict[int, int] = defaultdict(int)
        bots: dict[int, int] = defaultdict(int)
        by_share: dict[int, int] = defaultdict(int)
        for _pk, link_id, share_id, is_bot in rows:
            if is_bot:
                bots[link_id] += 1
            else:
                human[link_id] += 1
                if share_id is not None:
                    by_share[share_id] += 1
        changes: dict[str, Any] = {}
        if human:
            changes["human_clicks"] = F("human_clicks") + _added(human)
        if bots:
            changes["bot_clicks"] = F("bot_clicks") + _added(bots)
        TrackedLink.objects.filter(pk__in={*human, *bots}).update(**changes)
        if by_share:
            Share.objects.filter(pk__in=by_share).update(clicks=F("clicks") + _added(by_share))
        ClickEvent.objects.filter(pk__in=[r[0] for r in rows]).update(counted=True)
        if by_share:
            transaction.on_commit(
                partial(
                    share_clicks_counted.send,
                    sender=Share,
                    shares_by_organization=_organizations_of(by_share),
                ),
                robust=True,
            )
    return len(rows)


def _organizations_of(share_ids: Iterable[int]) -> dict[int, set[int]]:
    """Organization id -> the share ids among ``share_ids`` (each share's own organization)."""
    grouped: dict[int, set[int]] = defaultdict(set)
    for pk, org_id in Share.objects.filter(pk__in=set(share_ids)).values_list(
        "pk", "organization_id"
    ):
        grouped[org_id].add(pk)
    return dict(grouped)


def _drain_redis(
    client: redis.Redis, result: DrainResult, *, batch_size: int, max_batches: int
) -> None:
    lock = client.lock(DRAIN_LOCK_KEY, timeout=DRAIN_LOCK_SECONDS, blocking=False)
    if not lock.acquire():
        return  # another drain is running; it takes the queue
    try:
        for _ in range(max_batches):
            # Leftovers of a drain that died between taking and storing come first.
            raw = client.lrange(PROCESSING_KEY, 0, batch_size - 1)
            if not raw:
                pipe = client.pipeline(transaction=False)
                for _i in range(batch_size):
                    pipe.lmove(QUEUE_KEY, PROCESSING_KEY, "LEFT", "RIGHT")
                moved = [item for item in pipe.execute() if item is not None]
                if not moved:
                    return
                raw = client.lrange(PROCESSING_KEY, 0, batch_size - 1)
            events = []
            for item in raw:
                try:
                    events.append(json.loads(item))
                except ValueError:
                    log.warning("clicks: dropping unreadable queue entry %r", item[:200])
            result.inserted += clicks_insert(events)
            # Stored (or already there): only now leave the processing list.
            client.ltrim(PROCESSING_KEY, len(raw), -1)
            result.taken += len(raw)
    finally:
        try:
            lock.release()
        except LockError:  # it expired (a drain longer than DRAIN_LOCK_SECONDS); never ours now
            log.warning("clicks: the drain lock expired before the drain finished")


def clicks_drain(*, batch_size: int = 1000, max_batches: int = 100) -> DrainResult:
    """Move queued clicks into the database and count every uncounted click (bounded)."""
    result = DrainResult()
    url = settings.CLICKS_REDIS_URL
    if url:
        try:
            client = _redis(url, timeout=5.0)
            _drain_redis(client, result, batch_size=batch_size, max_batches=max_batches)
        except redis.RedisError as exc:
            result.error = str(exc) or type(exc).__name__
            log.warning("clicks: Redis unavailable while draining (%s)", result.error)
    for _ in range(max_batches):
        counted = clicks_count_batch(limit=batch_size)
        result.counted += counted
        if counted < batch_size:
            break
    return result
