"""The benchmark harness in quick mode against the test database."""

from __future__ import annotations

import re
from io import StringIO

import pytest

from bench.__main__ import parse_args
from bench.harness import BenchContext, Scenario, measure, run, scenario_providers

pytestmark = pytest.mark.django_db

NUMBER = r"\d+(?:\.\d+)?"
CORE_ROWS = ("org home page", "org API detail")
MEMBER_ROWS = ("member list page", "member search page", "members API list", "members API search")


def _quick_run() -> tuple[int, str]:
    args = parse_args(["--quick"])
    out = StringIO()
    code = run(
        out=out,
        requests=args.requests,
        members=args.members,
        departments=args.departments,
        slug=args.org_slug,
        quick=True,
        migrate=False,
    )
    return code, out.getvalue()


def test_quick_mode_prints_a_table_of_figures() -> None:
    code, out = _quick_run()
    assert code == 0, out
    assert "seed_scale --org-slug scale-quick --members 2,000" in out
    assert re.search(rf"created 2,000 members; 2,001 members in total; {NUMBER} s", out)
    assert re.search(r"scenario\s+requests\s+median ms\s+p95 ms\s+SQL/request\s+constant", out)
    rows = {line.split("  ")[0]: line for line in out.splitlines()}
    for name in CORE_ROWS:
        assert re.search(rf"^{name}\s+5\s+{NUMBER}\s+{NUMBER}\s+\d+\s+yes$", rows[name]), out
    for name in MEMBER_ROWS:
        line = next(line for line in out.splitlines() if line.startswith(name))
        # Measured once the route exists; until then listed as missing, never silently dropped.
        assert re.search(rf"\s5\s+{NUMBER}\s+{NUMBER}\s+\d+\s+yes$", line) or line.endswith(
            "route missing"
        ), line


def test_quick_mode_defaults() -> None:
    args = parse_args(["--quick"])
    assert (args.requests, args.members, args.org_slug) == (5, 2_000, "scale-quick")
    args = parse_args([])
    assert (args.requests, args.members, args.org_slug) == (50, 50_000, "scale")


def test_core_scenarios_are_discovered() -> None:
    sources = [source for source, _ in scenario_providers()]
    assert "bench.core" in sources


def _context(world) -> BenchContext:
    return BenchContext(
        organization=world.a.org, admin=world.a.admin, members=4, search_fragment="Admin"
    )


def test_a_missing_route_is_reported_not_measured(world, client) -> None:
    client.force_login(world.a.admin)
    result = measure(client, Scenario("nowhere", "/nowhere/at/all/"), requests=2, warmup=1)
    assert result.skipped and result.problem == "route missing" and result.ok


def test_an_unexpected_status_fails_the_row(world, client) -> None:
    client.force_login(world.a.admin)
    ctx = _context(world)
    result = measure(
        client, Scenario("other tenant", f"/o/{world.b.org.slug}/"), requests=2, warmup=1
    )
    assert result.problem.startswith("HTTP 404") and not result.ok
    ok = measure(client, Scenario("home", f"/o/{ctx.slug}/"), requests=3, warmup=1)
    assert ok.ok and ok.requests == 3 and len(set(ok.queries)) == 1


def test_rows_print_their_floor_and_ratio_and_k_keeps_the_floor() -> None:
    from bench.harness import FLOOR_API_DETAIL, Result, load_average, results_table, selected

    floor = Scenario(FLOOR_API_DETAIL, "/api/")
    feed = Scenario("feed page", "/feed/", floor=FLOOR_API_DETAIL)
    other = Scenario("member list page", "/members/")
    assert selected([floor, other, feed], "feed") == [floor, feed]
    assert selected([floor, other, feed], "") == [floor, other, feed]
    table = results_table(
        [
            Result(floor, 3, [2.0, 2.0, 2.0], [2, 2, 2]),
            Result(feed, 3, [7.0, 7.0, 7.0], [5, 5, 5]),
        ]
    )
    assert re.search(r"floor ms\s+ratio$", table.splitlines()[0])
    assert re.search(r"^feed page\s+3\s+7\.0\s+7\.0\s+5\s+yes\s+2\.0\s+3\.5x$", table, re.M)
    assert re.search(rf"^{FLOOR_API_DETAIL}\s+3\s+2\.0\s+2\.0\s+2\s+yes$", table, re.M)
    assert re.fullmatch(r"load average [\d.]+ [\d.]+ [\d.]+ on \d+ CPUs", load_average())
