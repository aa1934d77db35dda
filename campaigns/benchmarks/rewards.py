"""Bench: redeeming the last item of stock from 50 concurrent requests (exactly one succeeds).

50 threads, each with its own PostgreSQL connection (Django gives every thread its own),
are lined up on a barrier and released together, each calling ``reward_redeem`` for a
reward with one unit left, as 50 different members who can all afford it. A round's time
is from the release to the last answer; every round must have exactly one success, the
stock must end at 0 and nobody's spendable points below zero. The winner then withdraws
(``redemption_cancel``: points and the unit go back) so the next round starts the same.

The floor is the same 50 connections released together, each sending the bare conditional
``UPDATE … SET stock = stock - 1 WHERE id = … AND stock > 0`` in autocommit: the least
work that decides the race on the same row. The ratio says what the rest costs (the
member's balance lock, the ledger entry, the redemption row, the audit log, the commit).
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from bench.harness import BenchContext, Scenario, load_average, text_table

NAME = "redeeming the last item of stock from 50 concurrent requests (exactly one succeeds)"
FLOOR = "floor: 50 concurrent conditional UPDATEs of one row"
CONCURRENCY = 50
REWARD_NAME = "Bench: the last item"


def _members(ctx: BenchContext) -> list[Any]:
    from advocacy.models import Membership

    members = list(
        Membership.objects.for_org(ctx.organization)
        .filter(is_active=True)
        .select_related("organization", "user")
        .order_by("id")[:CONCURRENCY]
    )
    if len(members) < CONCURRENCY:
        raise RuntimeError(f"the scale tenant has {len(members)} members; {CONCURRENCY} needed")
    return members


def _prepare(ctx: BenchContext, members: list[Any]) -> Any:
    """The bench reward with one unit left, and every racer able to afford it."""
    from campaigns.models import PointsAction, PointsBalance, Redemption, RedemptionStatus, Reward
    from campaigns.services.ledger import points_entry_append
    from campaigns.services.rewards import redemption_cancel

    reward = Reward.objects.for_org(ctx.organization).filter(name=REWARD_NAME).first()
    if reward is None:
        reward = Reward.objects.create(organization=ctx.organization, name=REWARD_NAME, cost=10)
    # A run stopped half-way leaves a request: withdraw it so its points come back.
    by_id = {m.pk: m for m in members}
    for left in Redemption.objects.for_org(ctx.organization).filter(
        reward=reward, status=RedemptionStatus.REQUESTED
    ):
        if left.membership_id in by_id:
            redemption_cancel(actor=by_id[left.membership_id], redemption=left)
    Reward.objects.filter(pk=reward.pk).update(stock=1, is_active=True, cost=10)
    balances = dict(
        PointsBalance.objects.filter(membership__in=members).values_list(
            "membership_id", "spendable"
        )
    )
    for m in members:
        if balances.get(m.pk, 0) < reward.cost:
            points_entry_append(
                membership=m,
                action=PointsAction.ADJUSTMENT,
                points=reward.cost,
                dedupe_key=f"bench:rewards:{m.pk}:{time.time_ns()}",
                note="Bench",
            )
    reward.refresh_from_db()
    return reward


class Racers:
    """``CONCURRENCY`` threads that keep their connections across rounds."""

    def __init__(self, work: list[Callable[[], bool]]) -> None:
        self.work = work
        # Bounded waits: a thread that died breaks the barrier instead of hanging the run.
        self.go = threading.Barrier(len(work) + 1, timeout=120)
        self.done = threading.Barrier(len(work) + 1, timeout=120)
        self.started = [0.0] * len(work)
        self.finished = [0.0] * len(work)
        self.won = [False] * len(work)
        self.errors: list[str] = []
        self.stop = False
        self.threads = [
            threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(len(work))
        ]

    def _run(self, n: int) -> None:
        connection.ensure_connection()  # opened before the first round, not inside it
        try:
            while True:
                self.go.wait()
                if self.stop:
                    return
                self.started[n] = time.perf_counter()
                try:
                    self.won[n] = self.work[n]()
                except Exception as exc:  # reported, never hidden
                    self.won[n] = False
                    self.errors.append(f"{type(exc).__name__}: {exc}")
                self.finished[n] = time.perf_counter()
                self.done.wait()
        finally:
            close_old_connections()
            connection.close()

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def round(self) -> tuple[float, int]:
        """One release of every thread: (ms from the first start to the last answer, wins)."""
        self.go.wait()
        self.done.wait()
        return (max(self.finished) - min(self.started)) * 1000, sum(self.won)

    def close(self) -> None:
        self.stop = True
        self.go.wait()
        for t in self.threads:
            t.join(timeout=30)


def bench_redeem_last_item(ctx: BenchContext, out: TextIO) -> list[str]:
    from campaigns.models import PointsBalance, Redemption, RedemptionStatus, Reward
    from campaigns.services.rewards import redemption_cancel, reward_redeem

    rounds = 3 if ctx.quick else 10
    members = _members(ctx)
    reward = _prepare(ctx, members)
    problems: list[str] = []

    def redeemer(member: Any) -> Callable[[], bool]:
        def call() -> bool:
            try:
                reward_redeem(actor=member, reward=reward)
            except ValidationError:
                return False
            return True

        return call

    def updater() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE campaigns_reward SET stock = stock - 1 WHERE id = %s AND stock > 0",
                [reward.pk],
            )
            return cursor.rowcount == 1

    started_load = load_average()
    figures: dict[str, tuple[list[float], list[int]]] = {}
    for label, work in (
        (FLOOR, [updater] * CONCURRENCY),
        (NAME, [redeemer(m) for m in members]),
    ):
        racers = Racers(work)
        racers.start()
        times: list[float] = []
        wins: list[int] = []
        try:
            for _ in range(rounds + 1):  # the first round warms up and is not counted
                Reward.objects.filter(pk=reward.pk).update(stock=1)
                ms, won = racers.round()
                times.append(ms)
                wins.append(won)
                left = Reward.objects.get(pk=reward.pk).stock
                if won != 1 or left != 0:
                    problems.append(f"{label}: {won} successes and {left} left in stock")
                if label == NAME:
                    for r in (
                        Redemption.objects.for_org(ctx.organization)
                        .filter(reward=reward, status=RedemptionStatus.REQUESTED)
                        .select_related("membership__organization", "membership__user")
                    ):
                        redemption_cancel(actor=r.membership, redemption=r)
        finally:
            racers.close()
        problems += [f"{label}: {e}" for e in racers.errors[:5]]
        figures[label] = (times[1:], wins[1:])
    negative = PointsBalance.objects.filter(membership__in=members, spendable__lt=0).count()
    if negative:
        problems.append(f"{NAME}: {negative} balances below zero")
    floor_ms = statistics.median(figures[FLOOR][0])
    rows = []
    for label in (NAME, FLOOR):
        times, wins = figures[label]
        median = statistics.median(times)
        rows.append(
            [
                label,
                str(len(times)),
                str(CONCURRENCY),
                f"{median:.1f}",
                f"{max(times):.1f}",
                ", ".join(str(w) for w in wins),
                f"{floor_ms:.1f}",
                f"{median / floor_ms:.1f}x" if floor_ms else "-",
            ]
        )
    out.write(
        f"\nRewards: the last unit of stock, {CONCURRENCY} concurrent requests per round "
        f"(threads with their own PostgreSQL connections, released by a barrier); "
        f"{started_load} before, {load_average()} after:\n\n"
    )
    out.write(
        text_table(
            (
                "scenario",
                "rounds",
                "concurrent",
                "median ms",
                "max ms",
                "successes per round",
                "floor ms",
                "ratio",
            ),
            rows,
            {1, 2, 3, 4, 6, 7},
        )
        + "\n"
    )
    return problems


def scenarios(ctx: BenchContext) -> list[Scenario]:
    slug = ctx.slug
    return [
        Scenario("rewards catalogue page", f"/o/{slug}/rewards/", floor="org home page"),
        Scenario(
            "reward requests page (managers)",
            f"/o/{slug}/rewards/redemptions/",
            floor="org home page",
        ),
    ]


def benchmarks(ctx: BenchContext, out: TextIO) -> list[str]:
    from django.db import connection

    if connection.in_atomic_block or connection.vendor != "postgresql":
        out.write(
            "\nrewards benchmarks skipped: they need a committed PostgreSQL database that "
            "other connections can read (python -m bench).\n"
        )
        return []
    if ctx.only and ctx.only.lower() not in NAME.lower():
        return []
    return bench_redeem_last_item(ctx, out)
