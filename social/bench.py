"""Benchmark rows of sharing (``python -m bench``; ``--quick`` for small numbers).

* ``scenarios``: the tracked-link redirect through the test client (a harness row).
* ``benchmarks`` (this app's hook, run after the table):
  a) redirect throughput and latency under ``wrk`` (bench/_wrk.py: a load generator in its
     own process) through **gunicorn** on a free loopback port, side by side with its floor
     (the same stack and bare route answering a fixed 302, bench/_floor_settings.py) and the
     ratio; then the clicks are drained and counted (none may be lost);
  b) publishing throughput: shares per second through a real Celery worker (subprocess) to
     the sandbox;
  c) metrics refresh for 100,000 published shares (posts the sandbox knows): due selection
     over all of them, then snapshots per second from ``metrics_refresh_shares`` against the
     sandbox for a bounded time, with the projected time for all of them.
Each part is bounded in time; gunicorn, the worker and the sandbox are stopped afterwards.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

from django.conf import settings
from django.db import close_old_connections, connection, connections
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


# ---- b) publishing through a real worker -----------------------------------------------------


def bench_publishing(ctx: BenchContext, out: TextIO) -> list[str]:
    from django.db import transaction

    from advocacy.celery import app
    from social.models import Share, ShareMethod, ShareState
    from social.services.publishing import share_enqueue

    shares_n, accounts_n, concurrency = (20, 4, 2) if ctx.quick else (300, 10, 4)
    time_limit = 60.0 if ctx.quick else 300.0
    url, stop_sandbox, _store = _sandbox()
    tmp = tempfile.TemporaryDirectory(prefix="chorus-bench-")
    worker = None
    saved = dict(app.conf.broker_transport_options or {})
    try:
        with _sandbox_settings(url):
            accounts = _connect_accounts(ctx, url, accounts_n)
            run_id = uuid.uuid4().hex[:8]
            items = _items(ctx, shares_n, f"bench publish {run_id}")
            env = _child_env(SOCIAL_SANDBOX_URL=url, CHORUS_VAR_DIR=tmp.name)
            if app.conf.broker_url.startswith("filesystem://"):
                # The worker gets its own broker folder; point our producer at the same one.
                folders = {
                    n: Path(tmp.name) / "celery" / n for n in ("queue", "processed", "control")
                }
                for folder in folders.values():
                    folder.mkdir(parents=True, exist_ok=True)
                app.conf.broker_transport_options = {
                    **saved,
                    "data_folder_in": str(folders["queue"]),
                    "data_folder_out": str(folders["queue"]),
                    "processed_folder": str(folders["processed"]),
                    "control_folder": str(folders["control"]),
                }
                cast(Any, app)._pool = None  # Celery's private pool: not in its stubs
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "advocacy",
                    "worker",
                    "-Q",
                    "publishing",
                    "--concurrency",
                    str(concurrency),
                    "-l",
                    "WARNING",
                    "-n",
                    f"bench-{run_id}@%h",
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            ids = []
            with transaction.atomic():
                for n, item in enumerate(items):
                    membership, account = accounts[n % len(accounts)]
                    share = Share.objects.create(
                        organization=ctx.organization,
                        membership=membership,
                        item=item,
                        account=account,
                        network="linkedin",
                        method=ShareMethod.API,
                        caption=f"Benchmark share {run_id} {n}",
                        state=ShareState.QUEUED,
                    )
                    ids.append(share.pk)
            # One share first: the clock starts once the worker is up and has published it.
            warm = ids.pop(0)
            with transaction.atomic():
                share_enqueue(Share.objects.get(pk=warm))
            deadline = time.perf_counter() + SERVER_START_TIMEOUT
            while not Share.objects.filter(pk=warm, state=ShareState.PUBLISHED).exists():
                if time.perf_counter() > deadline or worker.poll() is not None:
                    raise RuntimeError("the worker did not publish the warm-up share")
                time.sleep(0.1)
            started = time.perf_counter()
            with transaction.atomic():
                for share in Share.objects.filter(pk__in=ids):
                    share_enqueue(share)
            done = 0
            while time.perf_counter() - started < time_limit:
                done = Share.objects.filter(pk__in=ids, state=ShareState.PUBLISHED).count()
                if done == len(ids):
                    break
                time.sleep(0.1)
            seconds = time.perf_counter() - started
            failed = Share.objects.filter(pk__in=ids).exclude(state=ShareState.PUBLISHED).count()
    finally:
        if worker is not None:
            _stop(worker)
        app.conf.broker_transport_options = saved
        cast(Any, app)._pool = None  # Celery's private pool: not in its stubs
        stop_sandbox()
        tmp.cleanup()
    out.write(
        f"\nPublishing through a Celery worker subprocess (-Q publishing, concurrency "
        f"{concurrency}) to the sandbox, {accounts_n} LinkedIn accounts:\n"
        f"  {done:,} of {len(ids):,} shares published in {seconds:.1f} s (after a warm-up "
        f"share): "
        f"{done / seconds:,.1f} shares/s\n"
    )
    return [f"publishing: {failed} of {len(ids)} shares not published in time"] if failed else []


# ---- c) metrics refresh for 100,000 shares ---------------------------------------------------


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


def bench_metrics(ctx: BenchContext, out: TextIO) -> list[str]:
    import requests as http

    from social.models import MetricSnapshot
    from social.services.metrics import metrics_due_select, metrics_refresh_shares

    total = 2_000 if ctx.quick else 100_000
    accounts_n = 10 if ctx.quick else 100
    budget = 10.0 if ctx.quick else 60.0
    parallel = 4
    url, stop_sandbox, store = _sandbox()
    try:
        with _sandbox_settings(url):
            accounts = _connect_accounts(ctx, url, accounts_n)
            started = time.perf_counter()
            shares = _seed_metric_shares(ctx, accounts, total, url)
            seed_s = time.perf_counter() - started
            # The sandbox must know the posts: register them in its (in-memory) store.
            created = time.time() - 3 * 3600
            with store.lock:
                posts = store.state["linkedin"]["posts"]
                for _pk, urn, author in shares:
                    posts[urn] = {
                        "id": urn,
                        "author": f"urn:li:person:{author}",
                        "commentary": "",
                        "lifecycleState": "PUBLISHED",
                        "created_epoch": created,
                        "audience": 900,
                        "dedupe_key": urn,
                        "deleted": False,
                    }
            http.get(f"{url}/_sandbox/", timeout=5).raise_for_status()
            started = time.perf_counter()
            batches: list[list[int]] = []
            while True:
                due = metrics_due_select()
                if not due.batches:
                    break
                batches += due.batches
            select_s = time.perf_counter() - started
            handed = sum(len(b) for b in batches)
            before = MetricSnapshot.objects.count()
            stop_at = time.perf_counter() + budget
            done_batches = [0]
            lock = threading.Lock()
            queue = list(batches)

            def run() -> None:
                try:
                    while time.perf_counter() < stop_at:
                        with lock:
                            if not queue:
                                return
                            batch = queue.pop()
                        metrics_refresh_shares(batch)
                        with lock:
                            done_batches[0] += 1
                finally:
                    close_old_connections()
                    connections.close_all()

            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=parallel) as pool:
                for future in [pool.submit(run) for _ in range(parallel)]:
                    future.result()
            refresh_s = time.perf_counter() - started
            snapshots = MetricSnapshot.objects.count() - before
    finally:
        stop_sandbox()
    rate = snapshots / refresh_s if refresh_s else 0.0
    out.write(
        f"\nMetrics refresh, {len(shares):,} published LinkedIn shares of {accounts_n} accounts "
        f"(seeded in {seed_s:.1f} s):\n"
        f"  due selection: {handed:,} shares leased in {len(batches):,} per-account batches "
        f"in {select_s:.2f} s ({handed / select_s if select_s else 0:,.0f} shares/s)\n"
        f"  refresh against the sandbox ({parallel} threads, 6 LinkedIn analytics calls per "
        f"share, {budget:.0f} s budget): {snapshots:,} snapshots in {refresh_s:.1f} s = "
        f"{rate:,.0f} snapshots/s; all {len(shares):,} would take "
        f"{len(shares) / rate / 60 if rate else float('inf'):,.1f} min at this rate\n"
    )
    problems = []
    if handed < len(shares):  # (other due shares of the bench database come along)
        problems.append(f"metrics: {handed} of {len(shares)} due shares handed out")
    if snapshots == 0:
        problems.append("metrics: no snapshot written")
    return problems


def benchmarks(ctx: BenchContext, out: TextIO) -> list[str]:
    """The load, worker and bulk benchmarks of sharing (see the module docstring)."""
    if connection.in_atomic_block or connection.vendor == "sqlite":
        out.write(
            "\nsocial benchmarks (gunicorn, worker, 100k metrics) skipped: they need a "
            "committed PostgreSQL database that other processes can read (python -m bench).\n"
        )
        return []
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
