"""The benchmark harness: seeds the scale tenant, then measures each scenario in-process
with Django's test client, logged in as the tenant's admin.

A scenario is one URL. For each: ``warmup`` requests, then ``requests`` measured ones;
the table shows the median and 95th percentile wall time and the SQL queries per
request, which must be the same for every request (a count that varies with the data is
an N+1 in waiting). Rows whose route does not exist (yet) are listed as such. A row may
name its floor (``Scenario.floor``: another row of the same run, measured even when
``-k`` leaves it out); the table then prints the floor's median and the ratio. The
machine's load average is printed before and after the run: the figures are wall times.

Scenarios come from ``<app>/bench.py`` of every installed project app and from the
modules of this package, each with ``def scenarios(ctx: BenchContext) -> list[Scenario]``.
"""

from __future__ import annotations

import importlib
import math
import os
import pkgutil
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

#: Request headers (WSGI environ keys) of an API call.
JSON = {"HTTP_ACCEPT": "application/json"}

_NOT_SCENARIO_MODULES = {"harness", "settings", "__main__"}


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str  # may carry a query string
    expect_status: int = 200
    headers: dict[str, Any] = field(default_factory=dict)
    floor: str = ""  # name of the row this one is compared with (its ratio is printed)


#: The floor of the request rows: the cheapest authenticated API call of the same run.
FLOOR_API_DETAIL = "org API detail"


@dataclass
class BenchContext:
    """What scenarios may use to build their URLs."""

    organization: Any  # advocacy.models.Organization
    admin: Any  # advocacy.models.User, logged in for every request
    members: int
    search_fragment: str  # a member's name that matches a handful of members
    quick: bool = False
    only: str = ""  # the -k filter: benchmarks() hooks skip rows whose name lacks it

    @property
    def slug(self) -> str:
        return self.organization.slug


@dataclass
class Result:
    scenario: Scenario
    requests: int = 0
    timings_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    problem: str = ""  # empty when every request answered as expected
    skipped: bool = False  # the route does not exist

    @property
    def median_ms(self) -> float:
        return statistics.median(self.timings_ms)

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.timings_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def queries_constant(self) -> bool:
        return len(set(self.queries)) == 1

    @property
    def ok(self) -> bool:
        return self.skipped or (not self.problem and self.queries_constant)


def scenario_providers() -> list[tuple[str, Callable[[BenchContext], list[Scenario]]]]:
    """``scenarios`` functions of this package's modules (the core first), then of the
    project apps' ``bench.py`` in ``INSTALLED_APPS`` order."""
    from advocacy.demo import project_app_modules

    found = []
    package = importlib.import_module("bench")
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name != "core"):
        if info.name in _NOT_SCENARIO_MODULES or info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"bench.{info.name}")
        if callable(getattr(mod, "scenarios", None)):
            found.append((f"bench.{info.name}", mod.scenarios))
    found += [
        (f"{label}.bench", mod.scenarios)
        for label, mod in project_app_modules("bench")
        if callable(getattr(mod, "scenarios", None))
    ]
    return found


def benchmark_providers() -> list[tuple[str, Callable[[BenchContext, TextIO], list[str]]]]:
    """``benchmarks(ctx, out)`` of the project apps' ``bench.py``: measurements that are not
    one URL through the test client (load through a real server, workers, bulk jobs). Each
    prints its own rows and returns its problems (empty when everything held)."""
    from advocacy.demo import project_app_modules

    return [
        (f"{label}.bench", mod.benchmarks)
        for label, mod in project_app_modules("bench")
        if callable(getattr(mod, "benchmarks", None))
    ]


def route_exists(path: str) -> bool:
    try:
        resolve(urlsplit(path).path)
    except Resolver404:
        return False
    return True


def measure(client: Client, scenario: Scenario, *, requests: int, warmup: int) -> Result:
    result = Result(scenario=scenario)
    if not route_exists(scenario.path):
        result.skipped = True
        result.problem = "route missing"
        return result
    for _ in range(warmup):
        response = client.get(scenario.path, **scenario.headers)
        if response.status_code != scenario.expect_status:
            result.problem = f"HTTP {response.status_code} (expected {scenario.expect_status})"
            return result
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(scenario.path, **scenario.headers)
            elapsed = time.perf_counter() - started
        if response.status_code != scenario.expect_status:
            result.problem = f"HTTP {response.status_code} (expected {scenario.expect_status})"
            return result
        result.timings_ms.append(elapsed * 1000)
        result.queries.append(len(captured))
        result.requests += 1
    return result


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(c).rjust(w) if i in numeric else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


def results_table(results: Sequence[Result]) -> str:
    """One line per row; rows naming a floor end with the floor's median and the ratio."""
    header: tuple[str, ...] = (
        "scenario",
        "requests",
        "median ms",
        "p95 ms",
        "SQL/request",
        "constant",
    )
    if any(r.scenario.floor for r in results):
        header += ("floor ms", "ratio")
    medians = {r.scenario.name: r.median_ms for r in results if r.timings_ms}
    rows = []
    for r in results:
        floor = medians.get(r.scenario.floor)
        versus = (f"{floor:.1f}", f"{r.median_ms / floor:.1f}x") if floor and r.timings_ms else ()
        if r.skipped or not r.timings_ms:
            row: tuple[str, ...] = (r.scenario.name, str(r.requests), "-", "-", "-", r.problem)
        else:
            lo, hi = min(r.queries), max(r.queries)
            row = (
                r.scenario.name,
                str(r.requests),
                f"{r.median_ms:.1f}",
                f"{r.p95_ms:.1f}",
                str(lo) if lo == hi else f"{lo}-{hi}",
                ("yes" if r.queries_constant else "NO") + (f"; {r.problem}" if r.problem else ""),
            )
        rows.append((*row, *versus, *[""] * (len(header) - len(row) - len(versus))))
    return text_table(header, rows, numeric={1, 2, 3, 4, 6, 7})


def load_average() -> str:
    """The machine's 1, 5 and 15 minute load averages and its CPU count, for the record."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:  # not available on this platform
        return "load average: unknown"
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def selected(scenarios: Sequence[Scenario], only: str) -> list[Scenario]:
    """The scenarios whose name has ``only`` (all when empty), with the floors they name
    (a ratio needs its floor measured in the same run), in their original order."""
    if not only:
        return list(scenarios)
    chosen = {s.name for s in scenarios if only.lower() in s.name.lower()}
    chosen |= {s.floor for s in scenarios if s.name in chosen and s.floor}
    return [s for s in scenarios if s.name in chosen]


def run(
    *,
    out: TextIO,
    requests: int = 50,
    warmup: int | None = None,
    members: int = 50_000,
    departments: int = 40,
    slug: str = "scale",
    quick: bool = False,
    migrate: bool = True,
    only: str = "",
) -> int:
    """Seed (or top up) the scale tenant, measure every scenario, print the table.

    Returns the exit status: 0 when every existing route answered as expected with a
    constant query count.
    """
    from advocacy.demo import scale_member_name, scale_tenant_seed

    db = settings.DATABASES["default"]
    out.write(
        f"Chorus bench: {connection.vendor} database {db['NAME']!s}, "
        f"cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, "
        f"DEBUG={settings.DEBUG}\n"
    )
    if migrate:
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        out.write(f"migrate: {time.perf_counter() - started:.1f} s\n")
    seeded = scale_tenant_seed(slug=slug, members=members, departments=departments)
    how = (
        f"created {seeded.created:,} members"
        if seeded.created
        else "tenant already present, nothing to add"
    )
    out.write(
        f"seed_scale --org-slug {slug} --members {members:,} --departments {departments}: "
        f"{how}; {seeded.total:,} members in total; {seeded.seconds:.1f} s\n"
    )
    ctx = BenchContext(
        organization=seeded.organization,
        admin=seeded.admin,
        members=seeded.total,
        search_fragment=scale_member_name(1),
        quick=quick,
        only=only,
    )
    client = Client()
    client.force_login(seeded.admin)
    warmup = requests if warmup is None else warmup
    results: list[Result] = []
    broken: list[str] = []
    every: list[Scenario] = []
    for source, provider in scenario_providers():
        try:
            every += provider(ctx)
        except Exception as exc:  # one app's broken rows must not hide everyone else's
            broken.append(f"FAILED {source}.scenarios(): {type(exc).__name__}: {exc}")
    started_load = load_average()
    for scenario in selected(every, only):
        results.append(measure(client, scenario, requests=requests, warmup=warmup))
    out.write(
        f"\n{len(results)} scenarios, {warmup} warm-up + {requests} measured requests each, "
        f"as the admin of {slug!r} ({seeded.total:,} members); {started_load} before, "
        f"{load_average()} after:\n\n"
    )
    out.write(results_table(results) + "\n")
    missing = [r.scenario.name for r in results if r.skipped]
    if missing:
        out.write(f"\nNot measured, route missing: {', '.join(missing)}\n")
    for source, hook in benchmark_providers():
        try:
            problems = hook(ctx, out) or []
        except Exception as exc:  # one app's broken benchmark must not hide the others
            broken.append(f"FAILED {source}.benchmarks(): {type(exc).__name__}: {exc}")
            continue
        broken += [f"FAILED {source}: {problem}" for problem in problems]
    failed = [r for r in results if not r.ok]
    for r in failed:
        reason = r.problem or f"query count varies: {sorted(set(r.queries))}"
        out.write(f"FAILED {r.scenario.name}: {reason}\n")
    for line in broken:
        out.write(line + "\n")
    return 1 if failed or broken else 0
