"""The API documentation renders offline: with every request that leaves the machine
refused, the Redoc and Swagger UI pages still load their scripts (vendored by
drf-spectacular-sidecar, served from our static files) and list the API's operations.

Runs headless Chromium through Playwright against pytest-django's live server. Without
/usr/bin/chromium the test is skipped, unless CHORUS_REQUIRE_BROWSER=1 makes that a failure.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from .support import VIEWPORT, screenshots_dir

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def _offline_page(browser, outside: list[str]):
    """A page whose every request to a host other than loopback is aborted (and recorded)."""
    context = browser.new_context(viewport=VIEWPORT)

    def route(route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in {"data", "blob"} or parts.hostname in LOOPBACK_HOSTS:
            route.continue_()
        else:
            outside.append(url)
            route.abort("internetdisconnected")

    context.route("**/*", route)
    return context, context.new_page()


def test_redoc_renders_offline_and_lists_operations(browser, live_server):
    outside: list[str] = []
    context, page = _offline_page(browser, outside)
    try:
        response = page.goto(f"{live_server.url}/api/v1/docs/")
        assert response is not None and response.status == 200
        # Redoc draws the title and one side-menu entry per tag and per operation once it
        # has fetched and read the schema.
        page.get_by_role("heading", name="Chorus API").first.wait_for(timeout=20_000)
        tags = page.locator("li[data-item-id^='tag/'] > label").all_inner_texts()
        assert {"me", "orgs", "tokens"} <= {tag.strip() for tag in tags}, tags
        assert page.locator("li[data-item-id*='operation/']").count() > 10
        page.screenshot(path=str(screenshots_dir() / "api-docs-redoc.png"), full_page=False)
    finally:
        context.close()
    assert outside == [], f"the API docs asked the outside world for: {outside}"


def test_swagger_ui_renders_offline_and_lists_operations(browser, live_server):
    outside: list[str] = []
    context, page = _offline_page(browser, outside)
    try:
        response = page.goto(f"{live_server.url}/api/v1/docs/swagger/")
        assert response is not None and response.status == 200
        page.locator(".opblock").first.wait_for(timeout=20_000)
        assert page.locator(".opblock").count() > 10
        assert page.locator(".opblock-summary-path").first.inner_text().startswith("/api/v1/")
        page.screenshot(path=str(screenshots_dir() / "api-docs-swagger.png"), full_page=False)
    finally:
        context.close()
    assert outside == [], f"the API docs asked the outside world for: {outside}"
