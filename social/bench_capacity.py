"""Benchmark rows of publishing and metric pulls against the sandbox's real capacity.

The sandbox is served from gunicorn (gthread, ``SANDBOX_WORKERS`` x ``SANDBOX_THREADS`` on a
free loopback port), started from a state file that holds the connected accounts and the
posts to pull (each worker reads it once and keeps its own changes). In the same run:

* **floor**: a plain client loop (``requests.Session`` per thread) makes the same HTTP calls
  as the connector path: ``POST /rest/posts`` per share for publishing, the six
  ``memberCreatorPostAnalytics`` calls per share for a metrics pull;
* **Chorus**: publishing through a Celery worker subprocess (``-Q publishing``), metrics
  through ``metrics_refresh_shares`` (the body of ``metrics_refresh_batch``) on threads.

The ratio Chorus / floor is printed beside its goal (>= 0.8), with the machine's load.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO, cast
from urllib.parse import quote

from django.conf import settings
from django.db import close_old_connections, connections

from bench.harness import BenchContext, load_average, text_table
from social_sandbox.mapping import bases

SANDBOX_WORKERS = 2  # the machine's cores
SANDBOX_THREADS = 8
RATIO_GOAL = 0.8
BENCH_LINK = "https://example.com/bench/floor/"
LINKEDIN_VERSION_HEADERS = {
    "X-Restli-Protocol-Version": "2.0.0",
    "Content-Type": "application/json",
}
ANALYTICS = ("IMPRESSION", "MEMBERS_REACHED", "REACTION", "COMMENT", "RESHARE", "POST_SAVE")


@dataclass
class Row:
    path: str
    unit: str
    chorus: float  # per second
    floor: float  # per second, the plain client loop
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.chorus / self.floor if self.floor else 0.0


# ---- the sandbox under gunicorn --------------------------------------------------------------


class GunicornSandbox:
    """A sandbox seeded in-process (OAuth connections, posts), saved to a state file, then
    served by gunicorn from that file."""

    def __init__(self, tmp: str) -> None:
        from social_sandbox.server import start_in_thread
        from social_sandbox.store import Store

        self.state_file = str(Path(tmp) / "sandbox.json")
        self.store = Store(state_file=self.state_file)
        self.url, self._stop_seed = start_in_thread(port=0, store=self.store)
        self.proc: subprocess.Popen | None = None

    def serve(self) -> str:
        """Stop the seeding server, save the state and serve it from gunicorn; the new URL."""
        from .bench import _child_env, _free_port, _wait_http

        self._stop_seed()
        self.store.save()
        port = _free_port()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "social_sandbox.wsgi:application",
                "--config",
                "python:bench._gunicorn_conf",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(SANDBOX_WORKERS),
                "--threads",
                str(SANDBOX_THREADS),
                "--worker-class",
                "gthread",
                "--keep-alive",
                "30",
                "--backlog",
                "512",
            ],
            cwd=settings.BASE_DIR,
            env=_child_env(SOCIAL_SANDBOX_STATE_FILE=self.state_file),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{port}"
        _wait_http(port, "/_sandbox/", self.proc, 60.0)
        return self.url

    def stop(self) -> None:
        from .bench import _stop

        self._stop_seed()
        if self.proc is not None:
            _stop(self.proc)


def _client_loop(
    jobs: list[Any], call: Callable[[Any, Any], bool], threads: int
) -> tuple[float, int]:
    """``call(session, job)`` for every job on ``threads`` threads, a ``requests.Session``
    each; (seconds, jobs that failed)."""
    import requests

    lock = threading.Lock()
    queue = list(jobs)
    failed = [0]

    def worker() -> None:
        session = requests.Session()
        while True:
            with lock:
                if not queue:
                    break
                job = queue.pop()
            if not call(session, job):
                with lock:
                    failed[0] += 1
        session.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for future in [pool.submit(worker) for _ in range(threads)]:
            future.result()
    return time.perf_counter() - started, failed[0]


def _linkedin_headers(token: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "LinkedIn-Version": str(settings.LINKEDIN_API_VERSION),
        **LINKEDIN_VERSION_HEADERS,
    }


# ---- publishing ------------------------------------------------------------------------------


def bench_publishing(ctx: BenchContext, out: TextIO) -> list[str]:
    from django.db import transaction

    from advocacy.celery import app
    from social.models import Share, ShareMethod, ShareState
    from social.services.publishing import share_enqueue

    from .bench import SERVER_START_TIMEOUT, _connect_accounts, _items, _sandbox_settings, _stop

    shares_n, accounts_n, concurrency = (40, 4, 2) if ctx.quick else (300, 10, 4)
    floor_n, floor_threads = (200, 8) if ctx.quick else (1000, 8)
    time_limit = 60.0 if ctx.quick else 300.0
    tmp = tempfile.TemporaryDirectory(prefix="chorus-bench-")
    sandbox = GunicornSandbox(tmp.name)
    worker = None
    saved = dict(app.conf.broker_transport_options or {})
    problems: list[str] = []
    try:
        with _sandbox_settings(sandbox.url):
            accounts = _connect_accounts(ctx, sandbox.url, accounts_n)
        url = sandbox.serve()
        api = bases(url)["LINKEDIN_API_BASE"].rstrip("/")
        load_before = load_average()
        # The floor: the connector's create call, from a plain client loop.
        tokens = [account.access_token for _m, account in accounts]
        run_id = uuid.uuid4().hex[:8]

        from .connectors.base import AccountRef, PostContent
        from .connectors.linkedin import LinkedInConnector

        refs = [
            AccountRef(account.external_id, tokens[a], extra=account.extra)
            for a, (_m, account) in enumerate(accounts)
        ]
        statuses: dict[int, int] = {}

        def create(session: Any, n: int) -> bool:
            ref = refs[n % len(refs)]
            body = LinkedInConnector().post_body(ref, PostContent(f"Floor post {run_id} {n}"))
            body["content"] = {
                "article": {"source": f"{BENCH_LINK}{n}", "title": f"Floor post {run_id} {n}"}
            }
            response = session.post(
                f"{api}/rest/posts",
                json=body,
                headers=_linkedin_headers(ref.access_token),
                timeout=10,
            )
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            return response.status_code == 201

        floor_s, floor_failed = _client_loop(list(range(floor_n)), create, floor_threads)
        if floor_failed:
            problems.append(
                f"publishing floor: {floor_failed} of {floor_n} creates failed: {statuses}"
            )
        with _sandbox_settings(url):
            items = _items(ctx, shares_n, f"bench publish {run_id}")
            env = _child_env_for_worker(url, tmp.name)
            if app.conf.broker_url.startswith("filesystem://"):
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
            # Warm-up shares (one per worker process): the clock starts once they are published.
            warm, ids = ids[:concurrency], ids[concurrency:]
            with transaction.atomic():
                for share in Share.objects.filter(pk__in=warm):
                    share_enqueue(share)
            deadline = time.perf_counter() + SERVER_START_TIMEOUT
            while Share.objects.filter(pk__in=warm, state=ShareState.PUBLISHED).count() < len(warm):
                if time.perf_counter() > deadline or worker.poll() is not None:
                    raise RuntimeError("the worker did not publish the warm-up shares")
                time.sleep(0.05)
            started = time.perf_counter()
            with transaction.atomic():
                for share in Share.objects.filter(pk__in=ids):
                    share_enqueue(share)
            done = 0
            while time.perf_counter() - started < time_limit:
                done = Share.objects.filter(pk__in=ids, state=ShareState.PUBLISHED).count()
                if done == len(ids):
                    break
                time.sleep(0.02)
            seconds = time.perf_counter() - started
            failed = Share.objects.filter(pk__in=ids).exclude(state=ShareState.PUBLISHED).count()
    finally:
        if worker is not None:
            _stop(worker)
        app.conf.broker_transport_options = saved
        cast(Any, app)._pool = None  # Celery's private pool: not in its stubs
        sandbox.stop()
        tmp.cleanup()
    row = Row(
        "publishing (LinkedIn posts)",
        "shares/s",
        done / seconds if seconds else 0.0,
        floor_n / floor_s if floor_s else 0.0,
        f"worker -Q publishing x{concurrency} vs {floor_threads}-thread client loop",
    )
    _print(out, row, load_before)
    if failed:
        problems.append(f"publishing: {failed} of {len(ids)} shares not published in time")
    return problems


def _child_env_for_worker(url: str, var_dir: str) -> dict[str, str]:
    from .bench import _child_env

    return _child_env(SOCIAL_SANDBOX_URL=url, CHORUS_VAR_DIR=var_dir)


# ---- metric pulls ----------------------------------------------------------------------------


def bench_metrics(ctx: BenchContext, out: TextIO) -> list[str]:
    from social.models import MetricSnapshot
    from social.services.metrics import metrics_due_select, metrics_refresh_shares

    from .bench import _connect_accounts, _sandbox_settings, _seed_metric_shares

    total = 2_000 if ctx.quick else 100_000
    accounts_n = 10 if ctx.quick else 100
    budget = 10.0 if ctx.quick else 60.0
    floor_shares = 300 if ctx.quick else 1500
    parallel = 4  # batches (accounts) pulled at once, as a metrics worker of concurrency 4
    floor_threads = parallel * _per_account()
    tmp = tempfile.TemporaryDirectory(prefix="chorus-bench-")
    sandbox = GunicornSandbox(tmp.name)
    problems: list[str] = []
    try:
        with _sandbox_settings(sandbox.url):
            accounts = _connect_accounts(ctx, sandbox.url, accounts_n)
        started = time.perf_counter()
        shares = _seed_metric_shares(ctx, accounts, total, sandbox.url)
        seed_s = time.perf_counter() - started
        created = time.time() - 3 * 3600
        with sandbox.store.lock:
            posts = sandbox.store.state["linkedin"]["posts"]
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
        url = sandbox.serve()
        api = bases(url)["LINKEDIN_API_BASE"].rstrip("/")
        load_before = load_average()
        token_of = {account.external_id: account.access_token for _m, account in accounts}

        def pull(session: Any, job: tuple[int, str, str]) -> bool:
            _pk, urn, author = job
            headers = _linkedin_headers(token_of[author])
            for metric in ANALYTICS:
                response = session.get(
                    f"{api}/rest/memberCreatorPostAnalytics?q=entity&entity=(share:"
                    f"{quote(urn, safe='')})&queryType={metric}&aggregation=TOTAL",
                    headers=headers,
                    timeout=10,
                )
                if response.status_code != 200:
                    return False
                response.json()
            return True

        floor_s, floor_failed = _client_loop(shares[:floor_shares], pull, floor_threads)
        if floor_failed:
            problems.append(f"metrics floor: {floor_failed} of {floor_shares} pulls failed")
        with _sandbox_settings(url):
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
        sandbox.stop()
        tmp.cleanup()
    rate = snapshots / refresh_s if refresh_s else 0.0
    row = Row(
        "metric pulls (LinkedIn, 6 calls/share)",
        "snapshots/s",
        rate,
        floor_shares / floor_s if floor_s else 0.0,
        f"{parallel} batches x {_per_account()} per account vs {floor_threads}-thread client loop",
    )
    out.write(
        f"\nMetrics refresh, {len(shares):,} published LinkedIn shares of {accounts_n} accounts "
        f"(seeded in {seed_s:.1f} s); due selection: {handed:,} shares leased in "
        f"{len(batches):,} per-account batches in {select_s:.2f} s; {snapshots:,} snapshots in "
        f"{refresh_s:.1f} s ({budget:.0f} s budget): all {len(shares):,} would take "
        f"{len(shares) / rate / 60 if rate else float('inf'):,.1f} min at this rate"
    )
    _print(out, row, load_before)
    if handed < len(shares):  # (other due shares of the bench database come along)
        problems.append(f"metrics: {handed} of {len(shares)} due shares handed out")
    if snapshots == 0:
        problems.append("metrics: no snapshot written")
    return problems


def _per_account() -> int:
    return max(1, int(getattr(settings, "SOCIAL_METRICS_CONCURRENCY_PER_ACCOUNT", 1)))


def _print(out: TextIO, row: Row, load_before: str) -> None:
    out.write(
        f"\nAgainst the sandbox on gunicorn gthread {SANDBOX_WORKERS} workers x "
        f"{SANDBOX_THREADS} threads ({load_before} before, {load_average()} after):\n\n"
    )
    out.write(
        text_table(
            ("path", "Chorus", "floor: sandbox capacity", "ratio", "goal", "how"),
            [
                (
                    row.path,
                    f"{row.chorus:,.1f} {row.unit}",
                    f"{row.floor:,.1f} {row.unit}",
                    f"{row.ratio:.2f}x",
                    f">= {RATIO_GOAL}x",
                    row.note,
                )
            ],
            {1, 2, 3},
        )
        + "\n"
    )
