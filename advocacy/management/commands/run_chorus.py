"""Run the whole product in one terminal: migrations, demo data, the web server, a
Celery worker and Celery beat (and, once present, the social-network sandbox).

Used by ``make run``. On embedded defaults this needs no server at all: SQLite, the
local-memory cache and Celery's file-system broker.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run web, worker and beat together on the configured (or embedded) services."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-seed", action="store_true", help="Skip the demo data.")

    def handle(self, *args: Any, **opts: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database ready.")
        site_url = f"http://{opts['host']}:{opts['port']}"
        env = {**os.environ, "SITE_URL": os.environ.get("SITE_URL", site_url)}
        procs: list[tuple[str, subprocess.Popen]] = []
        py = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")
        extra = getattr(self, "extra_processes", lambda env: [])(env)
        commands = [
            *extra,
            (
                "worker",
                [
                    py,
                    "-m",
                    "celery",
                    "-A",
                    "advocacy",
                    "worker",
                    "-l",
                    "INFO",
                    "-Q",
                    ",".join(settings.CHORUS_QUEUES),
                    "--concurrency",
                    "2",
                ],
            ),
            ("beat", [py, "-m", "celery", "-A", "advocacy", "beat", "-l", "INFO"]),
            ("web", [py, manage, "runserver", f"{opts['host']}:{opts['port']}", "--noreload"]),
        ]
        if not opts["no_seed"]:
            call_command("seed_demo")
        for name, cmd in commands:
            procs.append((name, subprocess.Popen(cmd, env=env, cwd=settings.BASE_DIR)))
        self.stdout.write(
            self.style.SUCCESS(f"\nChorus is running at {site_url}/  (Ctrl-C stops everything)\n")
        )

        def stop(*_: Any) -> None:
            for _name, p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 10
            for _name, p in procs:
                try:
                    p.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    p.kill()

        signal.signal(signal.SIGTERM, stop)
        try:
            while True:
                for name, p in procs:
                    if p.poll() is not None:
                        self.stderr.write(f"{name} exited with code {p.returncode}; stopping.")
                        stop()
                        sys.exit(p.returncode or 1)
                time.sleep(1)
        except KeyboardInterrupt:
            stop()
