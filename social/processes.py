"""``make run``'s extra process: the social-network sandbox (see run_chorus).

Unless ``SOCIAL_SANDBOX_URL`` is already set (pointing Chorus at a sandbox, or at nothing
sandbox-like when the real networks' bases are configured), ``make run`` starts
``python -m social_sandbox`` on loopback with its state kept in ``var/sandbox.json`` (so
linked demo accounts and their posts survive restarts) and sets ``SOCIAL_SANDBOX_URL`` for
the web server, the worker and beat: settings then point every network base at it.

The port is ``SOCIAL_SANDBOX_PORT`` (default 8001), or a free one when that is taken. The
demo seed (social.demo) registers the demo accounts in the same state file beforehand.
"""

from __future__ import annotations

import os
import socket
import sys
from typing import Any

from django.conf import settings

DEFAULT_SANDBOX_PORT = 8001


def sandbox_state_file() -> str:
    return str(settings.VAR_DIR / "sandbox.json")


def sandbox_port() -> int:
    return int(os.environ.get("SOCIAL_SANDBOX_PORT") or DEFAULT_SANDBOX_PORT)


def default_sandbox_url() -> str:
    """Where ``make run`` serves the sandbox (what the demo seed writes into permalinks)."""
    return f"http://127.0.0.1:{sandbox_port()}"


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def processes(ctx: Any) -> list[Any]:  # advocacy.management.commands.run_chorus.RunContext
    from advocacy.management.commands.run_chorus import ChildProcess

    if ctx.env.get("SOCIAL_SANDBOX_URL"):
        return []  # Chorus is pointed at a sandbox (or the networks) already
    host = "127.0.0.1"
    port = sandbox_port()
    if not _port_free(host, port):
        port = _free_port(host)
    url = f"http://{host}:{port}"
    ctx.env["SOCIAL_SANDBOX_URL"] = url
    return [
        ChildProcess(
            "sandbox",
            [
                sys.executable,
                "-m",
                "social_sandbox",
                "--host",
                host,
                "--port",
                str(port),
                "--state-file",
                sandbox_state_file(),
            ],
            ready_url=f"{url}/_sandbox/",
        )
    ]
