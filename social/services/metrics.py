"""Pulling published shares' metrics from the networks on a decaying schedule.

* ``next_metrics_time(published_at, now)``: hourly during the first day, daily to day 30,
  weekly to day 90 (with a last pull at day 90), then ``None``: never again.
* ``metrics_refresh_due()`` (beat, every few minutes) picks published API shares whose
  ``next_metrics_at`` has come (partial index ``share_next_metrics``), leases them (pushes
  ``next_metrics_at`` a little ahead, so the next beat does not pick them again while their
  batch waits in the queue), groups them by account, skips accounts and apps that the
  networks have throttled (social.services.quotas marks: their shares wait until the mark ends) and
  enqueues ``metrics_refresh_batch(share_ids)`` per account chunk on the metrics queue.
* ``metrics_refresh_batch(share_ids)`` loads the shares with their account (one query; the
  organization is known by id), asks the account's connector for all of them at once, writes one
  ``MetricSnapshot`` per share in bulk (``None`` stays NULL: "the network does not report
  this", never 0), copies the values onto the share for fast reads and schedules the next
  pull. ``RateLimited`` sets the block marks and retries those shares when the block ends;
  ``ReauthRequired`` marks the account for reconnection and retries a day later.

Share-dialog shares have no post id on the network, hence no metrics.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import cast

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from advocacy.dangerous import dangerously

from ..connectors.base import ConnectorError, RateLimited, ReauthRequired
from ..connectors.registry import connector_for
from ..models import AccountStatus, MetricSnapshot, NetworkAccount, Share, ShareMethod, ShareState
from ..signals import share_metrics_stored
from . import quotas
from .posts import account_ref

log = logging.getLogger(__name__)

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
WEEK = timedelta(days=7)
HOURLY_UNTIL = DAY
DAILY_UNTIL = timedelta(days=30)
STOP_AFTER = timedelta(days=90)

#: Shares per ``metrics_refresh_batch`` (one account's posts; one connector call each).
BATCH_SIZE = 50
#: Shares one ``metrics_refresh_due`` run hands out at most (the rest wait for the next beat).
DUE_LIMIT = 20_000
#: How long a handed-out share stays leased before another beat may pick it up again.
LEASE = timedelta(minutes=30)
#: When to try again after a network error that is neither a throttle nor a lost token.
RETRY_AFTER_ERROR = timedelta(minutes=30)
RETRY_AFTER_REAUTH = DAY

METRIC_FIELDS = (
    "impressions",
    "reach",
    "reactions",
    "comments",
    "reshares",
    "saves",
    "video_views",
    "interactions",
)


def next_metrics_time(published_at: datetime, now: datetime) -> datetime | None:
    """When to pull a share's metrics next, given when it was published; ``None`` = stop."""
    age = now - published_at
    if age < timedelta(0):
        return published_at + HOUR
    if age >= STOP_AFTER:
        return None
    if age < HOURLY_UNTIL:
        step = HOUR
    elif age < DAILY_UNTIL:
        step = DAY
    else:
        step = WEEK
    return min(now + step, published_at + STOP_AFTER)


# ---- selecting due shares --------------------------------------------------------------------


@dataclass
class DueResult:
    batches: list[list[int]] = field(default_factory=list)
    postponed: int = 0  # shares of blocked or unusable accounts, moved to later

    @property
    def shares(self) -> int:
        return sum(len(b) for b in self.batches)


@dangerously(
    "The metrics sweep leases the published shares of every organization whose metrics are "
    "due and pulls them per network account (an account's quota is not an organization's)."
)
def dangerously_metrics_due_shares() -> QuerySet[Share]:
    """Published API shares of every organization with a metrics pull scheduled."""
    return Share.objects.filter(
        state=ShareState.PUBLISHED,
        method=ShareMethod.API,
        next_metrics_at__isnull=False,
    )


def metrics_due_select(
    *, now: datetime | None = None, limit: int = DUE_LIMIT, batch_size: int = BATCH_SIZE
) -> DueResult:
    """Lease the shares whose metrics are due and cut them into per-account batches."""
    now = now or timezone.now()
    result = DueResult()
    with transaction.atomic():
        rows = list(
            dangerously_metrics_due_shares()
            .filter(next_metrics_at__lte=now)
            .order_by("next_metrics_at")
            .values_list("pk", "network", "account_id", "account__external_id", "account__status")[
                :limit
            ]
        )
        if not rows:
            return result
        by_account: dict[tuple[str, int | None, str], list[int]] = defaultdict(list)
        unusable: list[int] = []
        for pk, network, account_id, external_id, status in rows:
            if account_id is None or status != AccountStatus.CONNECTED:
                unusable.append(pk)
            else:
                by_account[(network, account_id, external_id)].append(pk)
        postpone: dict[datetime, list[int]] = defaultdict(list)
        leased: list[int] = []
        for (network, _account_id, external_id), ids in by_account.items():
            until = quotas.blocked_until(network, external_id)
            if until is not None:
                postpone[until].extend(ids)
                continue
            leased.extend(ids)
            result.batches += [ids[i : i + batch_size] for i in range(0, len(ids), batch_size)]
        if unusable:
            postpone[now + RETRY_AFTER_REAUTH].extend(unusable)
        if leased:
            Share.objects.filter(pk__in=leased).update(next_metrics_at=now + LEASE)
        for until, ids in postpone.items():
            Share.objects.filter(pk__in=ids).update(next_metrics_at=until)
            result.postponed += len(ids)
    return result


# ---- one batch -------------------------------------------------------------------------------


@dataclass
class BatchResult:
    snapshots: int = 0
    rate_limited: int = 0
    reconnect: int = 0
    failed: int = 0
    gone: int = 0


def _postpone(shares: Iterable[Share], until: datetime) -> None:
    Share.objects.filter(pk__in=[s.pk for s in shares]).update(next_metrics_at=until)


def metrics_refresh_shares(share_ids: list[int], *, now: datetime | None = None) -> BatchResult:
    """Pull the metrics of these shares (normally one account's) and store them."""
    from .accounts import network_account_mark_needs_reconnect

    now = now or timezone.now()
    result = BatchResult()
    shares = list(
        dangerously_metrics_due_shares()
        .filter(pk__in=share_ids)
        .exclude(external_id="")
        .select_related("account")
        .order_by("pk")
    )
    by_account: dict[int, list[Share]] = defaultdict(list)
    unusable: list[Share] = []
    for share in shares:
        if share.account is None or not share.account.is_usable:
            unusable.append(share)
            continue
        by_account[share.account.pk].append(share)
    if unusable:
        _postpone(unusable, now + RETRY_AFTER_REAUTH)
        result.reconnect += len(unusable)

    snapshots: list[MetricSnapshot] = []
    updated: list[Share] = []
    gone_ids: set[int] = set()
    for group in by_account.values():
        # Shares without a usable account were postponed above: each group has its account.
        account = cast(NetworkAccount, group[0].account)
        network = account.network
        until = quotas.blocked_until(network, account.external_id)
        if until is not None:
            _postpone(group, until)
            result.rate_limited += len(group)
            continue
        connector = connector_for(network, account.kind)
        try:
            answers = connector.fetch_metrics(
                account_ref(account), [share.external_id for share in group]
            )
        except RateLimited as exc:
            _postpone(group, quotas.block_from_error(network, account.external_id, exc))
            result.rate_limited += len(group)
            continue
        except ReauthRequired as exc:
            network_account_mark_needs_reconnect(account=account, reason=exc.message)
            _postpone(group, now + RETRY_AFTER_REAUTH)
            result.reconnect += len(group)
            continue
        except ConnectorError as exc:
            log.warning("metrics for account %s failed: %s", account.pk, exc)
            _postpone(group, now + RETRY_AFTER_ERROR)
            result.failed += len(group)
            continue
        for share in group:
            metrics = answers.get(share.external_id)
            if metrics is None:  # the post is gone from the network: nothing more to pull
                share.next_metrics_at = None
                updated.append(share)
                gone_ids.add(share.pk)
                result.gone += 1
                continue
            values = {name: getattr(metrics, name) for name in METRIC_FIELDS}
            snapshots.append(
                MetricSnapshot(
                    organization_id=share.organization_id,
                    share_id=share.pk,
                    fetched_at=now,
                    **values,
                )
            )
            for name, value in values.items():
                setattr(share, name, value)
            share.metrics_updated_at = now
            share.next_metrics_at = next_metrics_time(share.published_at or now, now)
            share.updated_at = now
            updated.append(share)
    if snapshots or updated:
        with transaction.atomic():
            MetricSnapshot.objects.bulk_create(snapshots, batch_size=1000)
            Share.objects.bulk_update(
                updated,
                [*METRIC_FIELDS, "metrics_updated_at", "next_metrics_at", "updated_at"],
                batch_size=500,
            )
            stored: dict[int, set[int]] = defaultdict(set)
            gone: dict[int, set[int]] = defaultdict(set)
            for share in updated:
                if share.pk in gone_ids:
                    gone[share.organization_id].add(share.pk)
                else:
                    stored[share.organization_id].add(share.pk)
            transaction.on_commit(
                partial(
                    share_metrics_stored.send,
                    sender=Share,
                    shares_by_organization=dict(stored),
                    gone_by_organization=dict(gone),
                    at=now,
                ),
                robust=True,
            )
    result.snapshots = len(snapshots)
    return result
