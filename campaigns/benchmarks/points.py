"""Benchmark rows of the points ledger.

**Ledger write throughput for a burst of 10,000 clicks.** 10,000 human click rows on
500 shares of 500 members wait uncounted (as the Redis drain leaves them); the row times
``clicks_count_batch`` until none is left, which counts them (1,000 per transaction) and,
on each commit, scores them (``campaigns.services.points.points_score_clicks``: one ledger
entry per share per batch, balances moved in one UPDATE). Beside it: the same burst counted
with scoring switched off (what scoring adds), and the floor, a plain bulk ``INSERT`` of
10,000 ledger rows of the same shape in one transaction (what writing one entry per click
would cost at best, with no counting, no caps and no balances).
"""

from __future__ import annotations

import secrets
import statistics
import time
import uuid
from typing import TYPE_CHECKING, TextIO

from django.db import transaction
from django.utils import timezone

if TYPE_CHECKING:
    from bench.harness import BenchContext

BURST = 10_000
SHARES = 500
RUNS = 3
BENCH_CAPTION = "bench: points burst"


def _shares(ctx: BenchContext) -> list:
    """SHARES published share-dialog shares with tracked links, one per member (idempotent)."""
    from advocacy.models import Membership
    from content_library.models import ContentItem, Kind, Status
    from social.models import Share, ShareMethod, ShareState, TrackedLink

    org = ctx.organization
    existing = list(
        Share.objects.filter(organization=org, caption=BENCH_CAPTION).select_related("link")
    )
    if len(existing) >= SHARES:
        return existing[:SHARES]
    item, _created = ContentItem.objects.get_or_create(
        organization=org,
        title="Bench: points burst",
        defaults={"kind": Kind.LINK, "url": "https://example.com/bench", "status": Status.APPROVED},
    )
    taken = {s.membership_id for s in existing}
    members = list(
        Membership.objects.filter(organization=org, is_active=True)
        .exclude(pk__in=taken)
        .order_by("pk")
        .values_list("pk", flat=True)[: SHARES - len(existing)]
    )
    now = timezone.now()
    with transaction.atomic():
        made = Share.objects.bulk_create(
            [
                Share(
                    organization=org,
                    membership_id=pk,
                    item=item,
                    network="linkedin",
                    method=ShareMethod.DIALOG,
                    caption=BENCH_CAPTION,
                    state=ShareState.PUBLISHED,
                    published_at=now,
                )
                for pk in members
            ]
        )
        TrackedLink.objects.bulk_create(
            [
                TrackedLink(
                    organization=org,
                    code=secrets.token_urlsafe(9)[:12],
                    share=s,
                    item=item,
                    target_url=item.url,
                )
                for s in made
            ]
        )
    return list(
        Share.objects.filter(organization=org, caption=BENCH_CAPTION).select_related("link")
    )[:SHARES]


def _queue_burst(shares: list) -> None:
    from social.models import ClickEvent

    now = timezone.now()
    ClickEvent.objects.bulk_create(
        [
            ClickEvent(
                organization_id=shares[i % len(shares)].organization_id,
                event_id=uuid.uuid4(),
                link_id=shares[i % len(shares)].link.pk,
                share_id=shares[i % len(shares)].pk,
                occurred_at=now,
            )
            for i in range(BURST)
        ],
        batch_size=2000,
    )


def _count_all() -> float:
    from social.services.clicks import clicks_count_batch

    started = time.perf_counter()
    while clicks_count_batch(limit=1000):
        pass
    return (time.perf_counter() - started) * 1000


def _floor_insert(ctx: BenchContext, shares: list) -> float:
    from campaigns.models import PointsAction, PointsEntry

    run = uuid.uuid4().hex[:8]
    now = timezone.now()
    rows = [
        PointsEntry(
            organization=ctx.organization,
            membership_id=shares[i % len(shares)].membership_id,
            action=PointsAction.HUMAN_CLICK,
            points=1,
            spendable=1,
            quantity=1,
            share_id=shares[i % len(shares)].pk,
            object_type="share",
            object_id=str(shares[i % len(shares)].pk),
            dedupe_key=f"bench-floor:{run}:{i}",
            occurred_at=now,
            created_at=now,
        )
        for i in range(BURST)
    ]
    started = time.perf_counter()
    with transaction.atomic():
        PointsEntry.objects.bulk_create(rows, batch_size=2000)
    elapsed = (time.perf_counter() - started) * 1000
    PointsEntry.objects.filter(
        organization=ctx.organization, dedupe_key__startswith=f"bench-floor:{run}:"
    ).delete()
    return elapsed


def bench_points_burst(ctx: BenchContext, out: TextIO) -> list[str]:
    from bench.harness import text_table
    from campaigns.models import PointsAction, PointsEntry, PointsRule
    from campaigns.receivers import on_share_clicks_counted
    from social.signals import share_clicks_counted

    shares = _shares(ctx)
    if len(shares) < SHARES:
        return [f"points burst: only {len(shares)} members to share"]
    # No caps for the bench tenant's clicks, so that every run writes its entries.
    PointsRule.objects.create(
        organization=ctx.organization, action=PointsAction.HUMAN_CLICK, points=1
    )
    _count_all()  # anything left by earlier rows
    scored, plain, floor, written = [], [], [], []
    problems: list[str] = []
    for _ in range(RUNS):
        before = PointsEntry.objects.filter(organization=ctx.organization).count()
        _queue_burst(shares)
        scored.append(_count_all())
        written.append(PointsEntry.objects.filter(organization=ctx.organization).count() - before)
        share_clicks_counted.disconnect(on_share_clicks_counted, dispatch_uid="campaigns.points")
        try:
            _queue_burst(shares)
            plain.append(_count_all())
        finally:
            share_clicks_counted.connect(on_share_clicks_counted, dispatch_uid="campaigns.points")
        floor.append(_floor_insert(ctx, shares))
    f = statistics.median(floor)
    rows = []
    for label, times, entries in (
        (
            "ledger write: burst of 10,000 clicks, counted + scored",
            scored,
            statistics.median(written),
        ),
        ("  same burst counted, scoring off", plain, 0),
        ("floor: bulk INSERT of 10,000 ledger rows", floor, BURST),
    ):
        m = statistics.median(times)
        rows.append(
            [
                label,
                f"{m:.0f}",
                f"{BURST / m * 1000:,.0f}",
                f"{entries:,.0f}",
                f"{f:.0f}",
                f"{m / f:.1f}x",
            ]
        )
    out.write(
        f"\nPoints ledger, a burst of {BURST:,} human clicks on {SHARES} shares of {SHARES} "
        f"members (median of {RUNS} runs; counted 1,000 per transaction, one entry per share "
        f"per batch):\n\n"
    )
    out.write(
        text_table(("row", "ms", "clicks/s", "entries", "floor ms", "ratio"), rows, {1, 2, 3, 4, 5})
        + "\n"
    )
    if min(written) <= 0:
        problems.append("points burst: no ledger entries were written")
    return problems


def benchmarks(ctx: BenchContext, out: TextIO) -> list[str]:
    from django.db import connection

    if connection.in_atomic_block:
        out.write("\npoints benchmarks skipped: they need autocommit (python -m bench).\n")
        return []
    if ctx.only and ctx.only.lower() not in "ledger write":
        return []
    return bench_points_burst(ctx, out)
