"""``manage.py run_chorus`` (``make run``) as a real subprocess: web, worker and beat start
on embedded defaults, /healthz answers, and SIGTERM leaves no process behind."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 180  # seconds: migrations on a fresh SQLite file, then three processes
STOP_TIMEOUT = 60

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc (Linux)"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, or None when it no longer exists."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = raw.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1])


def _descendants(root: int) -> set[int]:
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (st := _stat(int(entry.name))) is not None:
            parents.setdefault(st[1], []).append(int(entry.name))
    found: set[int] = set()
    todo = [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _running(pid: int) -> bool:
    st = _stat(pid)
    return st is not None and st[0] != "Z"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def test_run_chorus_starts_web_worker_and_beat_and_stops_them_all(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SITE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="advocacy.settings",
        DEBUG="true",
        CHORUS_VAR_DIR=str(tmp_path / "var"),
        PYTHONUNBUFFERED="1",
    )
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "run_chorus", "--no-seed", "--port", str(port)],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    web_ready, worker_ready, beat_started = threading.Event(), threading.Event(), threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if "Chorus is running at" in line:
                web_ready.set()
            if line.startswith("worker") and " ready." in line:
                worker_ready.set()
            if line.startswith("beat") and "beat: Starting" in line:
                beat_started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    children: set[int] = set()
    try:
        for event in (web_ready, worker_ready, beat_started):
            assert event.wait(STARTUP_TIMEOUT), "".join(lines[-60:])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            assert response.status == 200
            assert json.load(response)["status"] == "ok"
        children = _descendants(proc.pid)
        commands = " ".join(_cmdline(pid) for pid in children)
        assert "runserver" in commands
        assert " worker " in commands and " beat " in commands
        assert len(children) >= 4  # web, worker (and its pool), beat
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            for pid in _descendants(proc.pid) | {proc.pid}:
                os.kill(pid, signal.SIGKILL)
            raise
        reader.join(timeout=10)
    assert proc.returncode == 0, "".join(lines[-40:])
    assert "All processes stopped." in "".join(lines)
    assert [pid for pid in children if _running(pid)] == []
