"""Helpers shared by the browser tests (and usable from a shell against ``make run``):
launching headless Chromium, logging in through the real login page, screenshots, and a
small local web site on 127.0.0.1 for pages the product fetches (link previews).

Without /usr/bin/chromium the browser tests are skipped, unless CHORUS_REQUIRE_BROWSER=1
makes that a failure.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}


def screenshots_dir() -> Path:
    from django.conf import settings

    path = Path(settings.VAR_DIR) / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def require_chromium() -> None:
    """Skip (or fail under CHORUS_REQUIRE_BROWSER=1) when Chromium is missing."""
    if CHROMIUM.exists():
        return
    reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)."
    if os.environ.get("CHORUS_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + " CHORUS_REQUIRE_BROWSER=1 requires it.")
    pytest.skip(reason)


@contextmanager
def launched_chromium() -> Iterator[Any]:
    """Headless Chromium through Playwright's sync API."""
    # Playwright's sync API runs an event loop in this thread; Django would otherwise
    # refuse the test's own ORM calls made between browser steps.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def log_in(
    browser: Any, base_url: str, email: str, password: str, *, viewport: dict | None = None
) -> tuple[Any, Any]:
    """A new browser context signed in through the real login page: (context, page)."""
    context = browser.new_context(viewport=viewport or VIEWPORT)
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.fill('input[name="login"]', email)
    page.fill('input[name="password"]', password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"login of {email} failed: {page.url}"
    return context, page


def png_bytes(width: int = 120, height: int = 63, color: str = "#2d6cdf") -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, format="PNG")
    return buf.getvalue()


@dataclass
class LocalSite:
    """A real HTTP server on 127.0.0.1 serving pages the test defines."""

    pages: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)
    base: str = ""
    hits: list[str] = field(default_factory=list)

    def add(
        self, path: str, body: bytes | str, *, content_type: str = "text/html; charset=utf-8"
    ) -> str:
        data = body.encode() if isinstance(body, str) else body
        self.pages[path] = (200, content_type, data)
        return self.base + path


@contextmanager
def local_site() -> Iterator[LocalSite]:
    site = LocalSite()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.hits.append(self.path)
            status, content_type, body = site.pages.get(
                self.path, (404, "text/plain", b"not found")
            )
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
