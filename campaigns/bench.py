"""Benchmark rows of campaigns and recognition (``python -m bench``; ``--quick`` for small
numbers). ``benchmarks`` (this app's hook, run after the harness's table) runs each part
that needs committed data and real concurrent connections:

* points (``campaigns/bench_points.py``): ledger write throughput for a burst of 10,000
  human clicks, beside a plain bulk INSERT of 10,000 ledger rows;
* rewards (``campaigns/bench_rewards.py``): redeeming the last item of stock from 50
  concurrent requests, beside 50 concurrent bare conditional UPDATEs of one row.
"""

from __future__ import annotations

from typing import Any, TextIO

from django.db import connection

from bench.harness import BenchContext, Scenario


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
    if connection.in_atomic_block or connection.vendor != "postgresql":
        out.write(
            "\ncampaigns benchmarks skipped: they need a committed PostgreSQL database that "
            "other connections can read (python -m bench).\n"
        )
        return []
    from .bench_points import bench_points_burst
    from .bench_rewards import NAME, bench_redeem_last_item

    parts: list[tuple[str, Any]] = [
        ("ledger write", bench_points_burst),
        (NAME, bench_redeem_last_item),
    ]
    problems: list[str] = []
    for name, part in parts:
        if ctx.only and ctx.only.lower() not in name.lower():
            continue
        try:
            problems += part(ctx, out)
        except Exception as exc:  # report and go on with the next part
            problems.append(f"{name}: {type(exc).__name__}: {exc}")
    return problems
