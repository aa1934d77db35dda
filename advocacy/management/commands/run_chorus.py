"""Run the whole product in one terminal: migrations, demo data, the web server, a Celery
worker on every queue and Celery beat, plus the extra processes apps contribute.

Used by ``make run``. On embedded defaults this needs no server at all: SQLite, the
local-memory cache and Celery's file-system broker. With ``DATABASE_URL``/``REDIS_URL``
set it runs the same processes against PostgreSQL and Redis (creating the PostgreSQL
database when it does not exist yet).

Extra processes: an installed project app may have a ``<app>/processes.py`` with::

    def processes(ctx: RunContext) -> list[ChildProcess]: ...

They start first, in ``INSTALLED_APPS`` order (and are waited for when they name a
``ready_url``); a hook may add variables to ``ctx.env`` that every later child (web,
worker, beat) inherits, such as the address of a local service it starts.

Every child runs in its own process group; Ctrl-C, SIGTERM or SIGHUP stops all of them (and
their own children, such as the worker's pool) and waits for them to exit. When a child
dies on its own, the others are stopped too.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from advocacy.demo import (
    DEMO_PASSWORD,
    demo_seed,
    local_postgres_database_ensure,
    project_app_modules,
)

from .seed_demo import logins_table

READY_TIMEOUT = 90.0  # seconds a child may take to answer its ready_url
STOP_TIMEOUT = 15.0  # seconds children get to exit after SIGTERM before SIGKILL


@dataclass
class ChildProcess:
    """One process run_chorus starts, watches and stops."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)  # added to the shared environment
    ready_url: str = ""  # when set, later processes start once this answers 2xx


@dataclass
class RunContext:
    """What ``<app>/processes.py`` hooks get: the address and the shared environment."""

    host: str
    port: int
    site_url: str
    env: dict[str, str]


def _loopback(host: str) -> str:
    return {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)  # noqa: S104


def _http_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Supervisor:
    """Starts children in their own process groups, relays their output with a name
    prefix, and stops every group on request."""

    def __init__(self, write: Any) -> None:
        self.write = write
        self.children: list[tuple[ChildProcess, subprocess.Popen[str]]] = []
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self.width = 6

    def start(self, child: ChildProcess, env: dict[str, str]) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            child.argv,
            env={**env, **child.env},
            cwd=settings.BASE_DIR,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            start_new_session=True,
        )
        self.children.append((child, proc))
        thread = threading.Thread(target=self._pump, args=(child.name, proc), daemon=True)
        thread.start()
        self._threads.append(thread)
        return proc

    def _pump(self, name: str, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self.emit(f"{name:<{self.width}} | {line.rstrip()}")

    def emit(self, text: str) -> None:
        """Write whole lines; children's output and our own never interleave mid-line."""
        with self._lock:
            self.write(text)

    def exited(self) -> tuple[ChildProcess, int] | None:
        for child, proc in self.children:
            code = proc.poll()
            if code is not None:
                return child, code
        return None

    def stop(self) -> None:
        # SIGTERM to each child itself (not its group): the Celery worker then shuts its
        # pool down cleanly (a warm shutdown that finishes running tasks).
        for _child, proc in self.children:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for _child, proc in self.children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        # Out of time, or leftovers of a child (its own children): leave nothing behind.
        grace = time.monotonic() + 2
        for _child, proc in self.children:
            while _group_alive(proc.pid) and time.monotonic() < grace:
                time.sleep(0.1)
            if _group_alive(proc.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
        for thread in self._threads:
            thread.join(timeout=2)


def wait_ready(url: str, *, timeout: float, alive: Any) -> bool:
    """Poll ``url`` until it answers 2xx, the process dies or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own URL
                if 200 <= response.status < 300:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    return False


def settings_point_at(site_url: str) -> None:
    """Settings were read before the port was known; the children get ``SITE_URL`` in their
    environment, and this process (which seeds the demo: tracked links, preview images, the
    RSS source under ``DEMO_SITE_URL``) is pointed at the same address."""
    base = site_url.rstrip("/")
    settings.SITE_URL = base
    if not os.environ.get("TRACKED_LINK_BASE_URL"):
        settings.TRACKED_LINK_BASE_URL = base
    settings.DEMO_SITE_URL = f"{base}/{settings.STATIC_URL.strip('/')}/content_library/demo/"
    settings.SAFE_HTTP_LOOPBACK_ALLOWLIST = (settings.DEMO_SITE_URL,)


class Command(BaseCommand):
    help = "Run web, worker and beat together on the configured (or embedded) services."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-seed", action="store_true", help="Skip the demo data.")
        parser.add_argument(
            "--concurrency", type=int, default=2, help="Celery worker processes (2)."
        )

    def base_processes(self, ctx: RunContext, concurrency: int) -> list[ChildProcess]:
        py = sys.executable
        # --quiet: no start-up banners (the queues are in our own summary); the periodic
        # sweeps' bookkeeping lines are filtered in settings.LOGGING (advocacy/devlog.py).
        celery = [py, "-m", "celery", "-A", "advocacy", "--quiet"]
        health = f"http://{_http_host(_loopback(ctx.host))}:{ctx.port}/healthz"
        return [
            ChildProcess(
                "worker",
                [
                    *celery,
                    "worker",
                    "-l",
                    "INFO",
                    "-Q",
                    ",".join(settings.CHORUS_QUEUES),
                    "--concurrency",
                    str(concurrency),
                    "-n",
                    f"chorus-{ctx.port}@%h",
                ],
            ),
            ChildProcess(
                "beat",
                [
                    *celery,
                    "beat",
                    "-l",
                    "INFO",
                    "--scheduler",
                    "django_celery_beat.schedulers:DatabaseScheduler",
                ],
            ),
            ChildProcess(
                "web",
                [
                    py,
                    str(settings.BASE_DIR / "manage.py"),
                    "runserver",
                    f"{_http_host(ctx.host)}:{ctx.port}",
                    "--noreload",
                ],
                ready_url=health,
            ),
        ]

    @staticmethod
    def extra_processes(ctx: RunContext) -> list[ChildProcess]:
        """The children that apps contribute through ``<app>/processes.py``."""
        extra: list[ChildProcess] = []
        for _label, module in project_app_modules("processes"):
            hook = getattr(module, "processes", None)
            if callable(hook):
                extra.extend(hook(ctx))
        return extra

    def handle(self, *args: Any, **opts: Any) -> None:
        host, port = opts["host"], opts["port"]
        site_url = os.environ.get("SITE_URL") or f"http://{_http_host(host)}:{port}"
        if not os.environ.get("SITE_URL"):
            settings_point_at(site_url)
        db = settings.DATABASES["default"]
        try:
            if local_postgres_database_ensure(db):
                self.stdout.write(f"Created PostgreSQL database {db['NAME']}.")
        except Exception as exc:  # any driver error: say which server we could not reach
            raise CommandError(f"Cannot reach the database server of DATABASE_URL: {exc}") from exc
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"Database ready ({connections['default'].vendor}).")
        logins = None
        if not opts["no_seed"]:
            logins = demo_seed(site_url=site_url).logins
        # Children open their own connections; do not hand them ours.
        connections.close_all()

        env = {**os.environ, "SITE_URL": site_url, "PYTHONUNBUFFERED": "1"}
        ctx = RunContext(host=host, port=port, site_url=site_url, env=env)
        supervisor = Supervisor(self._relay)
        stop_requested = threading.Event()

        def request_stop(signum: int, _frame: Any) -> None:
            stop_requested.set()

        previous = {
            sig: signal.signal(sig, request_stop)
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
        }
        exit_code = 0
        try:
            exit_code = self._run(supervisor, ctx, opts, logins, stop_requested)
        finally:
            supervisor.emit("Stopping Chorus…")
            supervisor.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            supervisor.emit("All processes stopped.")
        if exit_code:
            sys.exit(exit_code)

    def _relay(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    def _run(
        self,
        supervisor: Supervisor,
        ctx: RunContext,
        opts: dict[str, Any],
        logins: list | None,
        stop_requested: threading.Event,
    ) -> int:
        children = [*self.extra_processes(ctx), *self.base_processes(ctx, opts["concurrency"])]
        supervisor.width = max(len(c.name) for c in children)
        for child in children:
            if stop_requested.is_set():
                return 0
            proc = supervisor.start(child, ctx.env)
            if child.ready_url and not wait_ready(
                child.ready_url,
                timeout=READY_TIMEOUT,
                alive=lambda p=proc: p.poll() is None and not stop_requested.is_set(),
            ):
                if stop_requested.is_set():
                    return 0
                supervisor.emit(f"{child.name} did not answer {child.ready_url}; stopping.")
                return 1
        lines = [
            "",
            self.style.SUCCESS(f"Chorus is running at {ctx.site_url}/"),
            f"Processes: {', '.join(c.name for c in children)}"
            f" (worker queues: {', '.join(settings.CHORUS_QUEUES)}).",
        ]
        if logins:
            lines += [
                "",
                logins_table(logins, DEMO_PASSWORD),
                f"Every demo user's password is {DEMO_PASSWORD!r}.",
            ]
        lines += ["", "Ctrl-C stops everything.", ""]
        supervisor.emit("\n".join(lines))
        while not stop_requested.wait(0.5):
            dead = supervisor.exited()
            if dead is not None:
                child, code = dead
                supervisor.emit(f"{child.name} exited with code {code}; stopping the rest.")
                return code or 1
        return 0
