"""A private redis-server for click tests: started on a free loopback port in a temporary
directory with the persistence production uses (``--appendonly yes --appendfsync everysec``,
as in docker-compose.yml), so a restart keeps what was queued; stoppable (SIGTERM), killable
(SIGKILL, a crash) and restartable on the same directory by the test. Used through the
``private_redis`` fixture below (import it), or built directly for a crash test."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

START_TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


#: The persistence options of docker-compose.yml's redis service (tests/test_compose.py).
PRODUCTION_PERSISTENCE = ("--appendonly", "yes", "--appendfsync", "everysec")
NO_PERSISTENCE = ("--appendonly", "no")


class PrivateRedis:
    def __init__(
        self, directory: Path, db: int = 7, persistence: tuple[str, ...] = PRODUCTION_PERSISTENCE
    ) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.db = db
        self.persistence = persistence
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/{self.db}"

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=2)

    def start(self) -> None:
        assert self.proc is None
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                *self.persistence,
                "--save",
                "",
                "--protected-mode",
                "yes",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                if self.client().ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        """Crash: SIGKILL, nothing flushed on the way out (what the append-only file already
        had is all a restart finds)."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(timeout=START_TIMEOUT)
        self.proc = None

    def stop(self) -> None:
        """Shut down as an operator would (SIGTERM: the append-only file is flushed)."""
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=START_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        self.proc = None


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not on the PATH (the Redis click tests start their own)")
    server = PrivateRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
