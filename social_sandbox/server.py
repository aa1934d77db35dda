"""A threaded standard-library WSGI server for the sandbox, and a helper to run it in tests."""

from __future__ import annotations

import contextlib
import logging
import socket
import socketserver
import threading
from collections.abc import Callable
from typing import IO, Any, cast
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer

from social_sandbox.app import DROP_KEY, SandboxApp
from social_sandbox.store import Store

log = logging.getLogger("social_sandbox")


class _Handler(ServerHandler):
    """wsgiref's handler, able to drop the connection without answering (``lost_response``)."""

    dropped = False
    environ: dict[str, Any]  # set by wsgiref's run()
    request_handler: WSGIRequestHandler

    def finish_response(self) -> None:
        if self.environ.get(DROP_KEY):
            self.dropped = True
            # Write nothing at all: the client sees the connection close with no status line.
            self.close()
            return
        super().finish_response()


class _RequestHandler(WSGIRequestHandler):
    server_version = "SocialSandbox/1.0"

    def handle(self) -> None:  # the body of WSGIRequestHandler.handle, with our ServerHandler
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536:
            self.requestline = ""
            self.request_version = ""
            self.command = ""
            self.send_error(414)
            return
        if not self.parse_request():
            return
        handler = _Handler(
            self.rfile,
            cast(IO[bytes], self.wfile),
            self.get_stderr(),
            self.get_environ(),
            multithread=True,
        )
        handler.request_handler = self
        app = cast(WSGIServer, self.server).get_app()
        assert app is not None
        handler.run(app)
        if handler.dropped:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s - %s", self.address_string(), format % args)


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


def make_server(
    host: str = "127.0.0.1",
    port: int = 8001,
    *,
    store: Store | None = None,
    public_url: str | None = None,
) -> tuple[ThreadingWSGIServer, SandboxApp]:
    app = SandboxApp(store=store or Store(), public_url=public_url)
    server = ThreadingWSGIServer((host, port), _RequestHandler)
    server.set_app(app)
    return server, app


def start_in_thread(
    port: int = 0, *, store: Store | None = None, state_file: str | None = None
) -> tuple[str, Callable[[], None]]:
    """Serve a fresh sandbox on 127.0.0.1 in a daemon thread; return (base_url, stop)."""
    if store is None:
        store = Store(state_file=state_file)
    server, app = make_server("127.0.0.1", port, store=store)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    stopped = threading.Event()

    def stop() -> None:
        if stopped.is_set():
            return
        stopped.set()
        app.stopping.set()  # wakes handlers sleeping in a ``timeout`` fault
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return base_url, stop
