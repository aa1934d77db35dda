"""Benchmark rows of sharing (``python -m bench``; ``--quick`` for small numbers).

* ``scenarios``: the tracked-link redirect through the test client (a harness row).
* ``benchmarks`` (this app's hook, run after the table):
  a) redirect throughput and latency under ``wrk`` (bench/_wrk.py: a load generator in its
     own process) through **gunicorn** on a free loopback port, side by side with its floor
     (the same stack and bare route answering a fixed 302, bench/_floor_settings.py) and the
     ratio; then the clicks are drained and counted (none may be lost);
  b) publishing throughput through a real Celery worker (subprocess) and c) metrics refresh
     for 100,000 published shares, each against the sandbox served by gunicorn and beside
     the sandbox's own capacity measured in the same run (``social.bench_capacity``).
Each part is bounded in time; gunicorn, the worker and the sandbox are stopped afterwards.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TextIO

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bench.harness import BenchContext, Scenario, load_average, text_table

if TYPE_CHECKING:
    from django.test.utils import override_settings

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"
BENCH_ITEM_URL = "https://example.com/bench/landing?ref=bench"
SERVER_START_TIMEOUT = 60.0


# ---- fixtures in the scale tenant ------------------------------------------------------------


def _membership(ctx: BenchContext):
    from advocacy.models import Membership

    return Membership.objects.filter(organization=ctx.organization, user=ctx.admin).get()


def _items(ctx: BenchContext, count: int, prefix: str) -> list[Any]:
    """``count`` approved link items of the scale tenant titled ``prefix N`` (created once)."""
    from content_library.models import ContentItem, Status

    existing = list(
        ContentItem.objects.for_org(ctx.organization)
        .filter(title__startswith=f"{prefix} ")
        .order_by("pk")
    )
    missing = count - len(existing)
    if missing > 0:
        now = timezone.now()
        ContentItem.objects.bulk_create(
            [
                ContentItem(
                    organization=ctx.organization,
                    title=f"{prefix} {len(existing) + n}",
                    url=f"https://example.com/bench/{prefix.replace(' ', '-')}/{len(existing) + n}",
                    body="Benchmark item",
                    language="en",
                    status=Status.APPROVED,
                    feed_at=now,
                )
                for n in range(missing)
            ],
            batch_size=2000,
        )
        existing = list(
            ContentItem.objects.for_org(ctx.organization)
            .filter(title__startswith=f"{prefix} ")
            .order_by("pk")
        )
    return existing[:count]


def _bench_link(ctx: BenchContext):
    """The scale tenant's benchmark tracked link (a published share of a bench item)."""
    from advocacy.networks import Network
    from social.models import Share, ShareState
    from social.services.links import tracked_link_create

    item = _items(ctx, 1, "bench redirect")[0]
    share = Share.objects.filter(organization=ctx.organization, item=item).first()
    if share is None:
        share = Share.objects.create(
            organization=ctx.organization,
            membership=_membership(ctx),
            item=item,
            network=Network.LINKEDIN,
            state=ShareState.PUBLISHED,
            published_at=timezone.now(),
        )
    return tracked_link_create(share=share)


def scenarios(ctx: BenchContext) -> list[Scenario]:
    link = _bench_link(ctx)
    return [
        Scenario(
            "tracked link redirect (test client)",
            reverse("tracked_link_redirect", kwargs={"code": link.code}),
            expect_status=302,
            headers={"HTTP_USER_AGENT": BROWSER},
        )
    ]


# ---- helpers ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_http(port: int, path: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                conn.close()
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered on 127.0.0.1:{port}{path}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _child_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "WARNING"}
    env.update(extra)
    return env


@dataclass
class Load:
    requests: int
    seconds: float
    latencies_ms: list[float]
    statuses: dict[int, int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered)) - 1))]


def drive(port: int, path: str, *, requests: int, concurrency: int) -> Load:
    """A bounded load generator: ``concurrency`` threads with keep-alive connections share
    ``requests`` GETs of ``path`` on 127.0.0.1:``port``."""
    lock = threading.Lock()
    remaining = [requests]
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    def take() -> bool:
        with lock:
            if remaining[0] <= 0:
                return False
            remaining[0] -= 1
            return True

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        seen: dict[int, int] = {}
        while take():
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"User-Agent": BROWSER})
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            mine.append((time.perf_counter() - started) * 1000)
            seen[status] = seen.get(status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            for key, n in seen.items():
                statuses[key] = statuses.get(key, 0) + n

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Load(requests, time.perf_counter() - started, latencies, statuses)


def _gunicorn(settings_module: str, port: int, *, workers: int, threads: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "advocacy.wsgi:application",
            "--config",
            "python:bench._gunicorn_conf",  # not the container's gunicorn.conf.py
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env=_child_env(DJANGO_SETTINGS_MODULE=settings_module, ALLOWED_HOSTS="127.0.0.1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


# ---- a) the redirect under load --------------------------------------------------------------


def _clicks_counted(link_pk: int) -> int:
    from social.models import TrackedLink
    from social.services.clicks import clicks_drain

    clicks_drain(max_batches=10_000)
    row = TrackedLink.objects.values_list("human_clicks", "bot_clicks").get(pk=link_pk)
    return row[0] + row[1]


#: The servers of the redirect benchmark: (row label, settings module, role): the redirect
#: (True), its floor, the same bare route answering a fixed 302 (False), and for reference
#: (None) that fixed 302 through the whole middleware stack (the floor before bare routes).
REDIRECT_SERVERS = (
    ("redirect /s/<code> (gunicorn)", "bench.settings", True),
    ("floor: fixed 302, same stack (gunicorn)", "bench._floor_settings", False),
    ("  for reference: fixed 302, full middleware", "bench._floor_full_settings", None),
)


def bench_redirect(ctx: BenchContext, out: TextIO) -> list[str]:
    """The redirect under ``wrk`` through gunicorn beside its floor; then the clicks.

    Clicks: every answer wrk counted must be counted (wrk does not count the requests in
    flight when it stops, so up to ``connections`` more per wrk run may be counted), and an
    exact phase of ``exact`` requests from a counting client must add exactly ``exact``.
    """
    from bench._wrk import WrkMissing, wrk_find, wrk_run

    try:
        wrk = wrk_find()
    except WrkMissing as exc:
        out.write(f"\nTracked-link redirect under load: not measured: {exc}\n")
        return [f"redirect: {exc}"]
    if ctx.quick:
        seconds, warmup_s, connections, exact = 5.0, 2.0, 8, 200
    else:
        seconds, warmup_s, connections, exact = 15.0, 3.0, 32, 1000
    workers, threads = 3, 4
    link = _bench_link(ctx)
    path = f"/s/{link.code}"
    headers = {"User-Agent": BROWSER}
    rows, problems, rps = [], [], {}
    clicks_line = ""
    started_load = load_average()
    for label, module, is_redirect in REDIRECT_SERVERS:
        port = _free_port()
        url = f"http://127.0.0.1:{port}{path}"
        if is_redirect:
            base = _clicks_counted(link.pk)  # start from a settled count
        proc = _gunicorn(module, port, workers=workers, threads=threads)
        try:
            _wait_http(port, "/healthz", proc, SERVER_START_TIMEOUT)
            warm = wrk_run(wrk, url, seconds=warmup_s, connections=connections, headers=headers)
            load = wrk_run(wrk, url, seconds=seconds, connections=connections, headers=headers)
            if is_redirect:
                time.sleep(0.5)  # the requests in flight when wrk stopped get their answers
                answered = warm.requests + load.requests
                counted = _clicks_counted(link.pk) - base
                in_flight = counted - answered
                exact_load = drive(port, path, requests=exact, concurrency=connections)
                exact_counted = _clicks_counted(link.pk) - base - counted
        finally:
            _stop(proc)
        for run in (warm, load):
            if run.status_errors or run.socket_errors:
                problems.append(
                    f"{label}: {run.status_errors} answers >= 400, "
                    f"{run.socket_errors} socket errors"
                )
        rps[is_redirect] = load.rps
        rows.append(
            [
                label,
                f"{load.requests:,}",
                str(connections),
                f"{load.rps:,.0f}",
                f"{load.p50_ms:.1f}",
                f"{load.p95_ms:.1f}",
                f"{load.p99_ms:.1f}",
            ]
        )
        if is_redirect:
            bad = {s: n for s, n in exact_load.statuses.items() if s != 302}
            if bad:
                problems.append(f"{label}: answers other than 302: {bad}")
            lost = max(0, answered - counted) + max(0, exact - exact_counted)
            clicks_line = (
                f"clicks: wrk got {answered:,} answers and {counted:,} clicks were counted "
                f"({in_flight:+,} in flight when wrk stopped, at most {2 * connections}); "
                f"exact phase: {exact:,} requests from a counting client, {exact_counted:,} "
                f"counted; lost: {lost}"
            )
            if not 0 <= in_flight <= 2 * connections or exact_counted != exact:
                problems.append(f"redirect: clicks do not add up ({clicks_line})")
    floor = rps.get(False)
    for row in rows:
        row.append(f"{floor:,.0f}" if floor else "-")
        row.append(f"{float(row[3].replace(',', '')) / floor:.2f}x" if floor else "-")
    out.write(
        f"\nTracked-link redirect under load: wrk ({connections} keep-alive connections, "
        f"{seconds:.0f} s after {warmup_s:.0f} s warm-up) against gunicorn gthread {workers} "
        f"workers x {threads} threads on 127.0.0.1, clicks via "
        f"{'Redis' if settings.CLICKS_REDIS_URL else 'the database'}; {started_load} before, "
        f"{load_average()} after:\n\n"
    )
    out.write(
        text_table(
            (
                "server",
                "requests",
                "conns",
                "req/s",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "floor req/s",
                "ratio",
            ),
            rows,
            {1, 2, 3, 4, 5, 6, 7, 8},
        )
        + "\n"
    )
    out.write(clicks_line + "\n")
    return problems


# ---- the sandbox and accounts ----------------------------------------------------------------


def _sandbox() -> tuple[str, Callable[[], None], Any]:
    """A fresh sandbox in a thread of this process: (url, stop, its store)."""
    from social_sandbox.server import start_in_thread
    from social_sandbox.store import Store

    store = Store()
    url, stop = start_in_thread(port=0, store=store)
    return url, stop, store


def _connect_accounts(ctx: BenchContext, url: str, count: int) -> list[Any]:
    """``count`` LinkedIn accounts of scale-tenant members, connected to the sandbox by OAuth."""
    from advocacy.models import Membership
    from social import demo
    from social.models import NetworkAccount

    members = list(
        Membership.objects.filter(organization=ctx.organization)
        .select_related("user")
        .order_by("pk")[:count]
    )
    accounts = []
    for membership in members:
        connected = demo.linkedin_connect(url, membership)
        account, _created = NetworkAccount.objects.get_or_create(
            user=membership.user,
            network="linkedin",
            external_id=connected["id"],
            defaults={"display_name": membership.user.name},
        )
        account.extra = {"author_urn": f"urn:li:person:{connected['id']}"}
        account.scopes = sorted(connected.get("scope", "").split(","))
        account.status = "connected"
        account.set_tokens(
            access_token=connected["access_token"],
            expires_at=timezone.now() + timedelta(days=60),
        )
        account.save()
        accounts.append((membership, account))
    return accounts


def _sandbox_settings(url: str) -> override_settings:
    from django.test.utils import override_settings

    from social_sandbox.mapping import bases

    return override_settings(
        SOCIAL_SANDBOX_URL=url,
        NETWORK_BASES=bases(url),
        LINKEDIN_CLIENT_ID="chorus-sandbox-client",
        LINKEDIN_CLIENT_SECRET="chorus-sandbox-secret",  # noqa: S106 - public demo credential
    )


# ---- c) the shares of the metrics refresh (social.bench_capacity) ---------------------------------------------------


def _seed_metric_shares(
    ctx: BenchContext, accounts: list[Any], total: int, url: str
) -> list[tuple[int, str, str]]:
    """``total`` published LinkedIn shares spread over ``accounts`` (created once), and their
    posts in the sandbox's store (which the in-process sandbox holds in memory)."""
    from social.models import Share, ShareState

    per_account = -(-total // len(accounts))
    items = _items(ctx, per_account, "bench metrics")
    now = timezone.now()
    existing = set(
        Share.objects.filter(
            organization=ctx.organization, external_id__startswith="urn:li:share:88"
        ).values_list("account_id", "item_id")
    )
    rows = []
    for a, (membership, account) in enumerate(accounts):
        for i, item in enumerate(items):
            if (account.pk, item.pk) in existing:
                continue
            rows.append(
                Share(
                    organization=ctx.organization,
                    membership=membership,
                    item=item,
                    account=account,
                    network="linkedin",
                    state=ShareState.PUBLISHED,
                    published_at=now - timedelta(hours=3),
                    next_metrics_at=now,
                    external_id=f"urn:li:share:88{a:04d}{i:07d}",
                )
            )
    Share.objects.bulk_create(rows, batch_size=5000)
    shares = list(
        Share.objects.filter(
            organization=ctx.organization, external_id__startswith="urn:li:share:88"
        )
        .order_by("pk")
        .values_list("pk", "external_id", "account__external_id")[:total]
    )
    Share.objects.filter(
        organization=ctx.organization, external_id__startswith="urn:li:share:88"
    ).update(next_metrics_at=now)
    return shares


def benchmarks(ctx: BenchContext, out: TextIO) -> list[str]:
    """The load, worker and bulk benchmarks of sharing (see the module docstring)."""
    if connection.in_atomic_block or connection.vendor == "sqlite":
        out.write(
            "\nsocial benchmarks (gunicorn, worker, 100k metrics) skipped: they need a "
            "committed PostgreSQL database that other processes can read (python -m bench).\n"
        )
        return []
    from .bench_capacity import bench_metrics, bench_publishing

    problems: list[str] = []
    for name, part in (
        ("tracked link redirect", bench_redirect),
        ("publishing", bench_publishing),
        ("metrics refresh", bench_metrics),
    ):
        if ctx.only and ctx.only.lower() not in name:
            continue
        try:
            problems += part(ctx, out)
        except Exception as exc:  # report and go on with the next part
            problems.append(f"{name}: {type(exc).__name__}: {exc}")
    return problems
