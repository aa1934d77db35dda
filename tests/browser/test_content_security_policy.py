"""No page breaks its own Content-Security-Policy.

An admin and an employee of a tenant filled with the demo's data open every page (the same
discovery as tests/browser/test_mobile.py) in Chromium, which enforces the policy; the
browser's own ``securitypolicyviolation`` events and its console are recorded from before
the first script runs, and none may be reported. htmx's requests (hx-trigger="load",
"revealed") run while the page settles, so they are covered too.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from advocacy.models import Role
from social.tests.conftest import sandbox, sandbox_server  # noqa: F401 - fixtures

from .support import log_in
from .test_mobile import _fill_tenant, _pages_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
  );
});
"""


def _watch(context: Any, page: Any, console: list[str]) -> None:
    context.add_init_script(RECORD_VIOLATIONS)
    # The console names what a policy blocked (also in workers); a script error would show
    # a script that stopped half-way. Failed loads are printed for the record.
    page.on(
        "console",
        lambda msg: (
            console.append(msg.text)
            if "Content Security Policy" in msg.text or "Refused to" in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: console.append(f"page error: {exc}"))
    page.on(
        "response",
        lambda r: (
            print(f"{r.status} {r.request.method} {r.url} (from {page.url})")
            if r.status >= 400
            else None
        ),
    )


@pytest.mark.usefixtures("sandbox")
def test_no_page_reports_a_policy_violation(browser, live_server, world, password, settings):
    cache.clear()
    base = live_server.url
    # The demo's link previews are images of the demo site under SITE_URL: this server.
    settings.SITE_URL = base
    settings.DEMO_SITE_URL = f"{base}/static/content_library/demo/"
    _fill_tenant(world)
    problems: list[str] = []
    opened = 0
    for role in (Role.ADMIN, Role.EMPLOYEE):
        context, page = log_in(browser, base, world.a.user(role).email, password)
        console: list[str] = []
        _watch(context, page, console)
        for _label, url in _pages_of(world, role):
            response = page.goto(base + url)
            if response is None or response.status in (403, 404, 405):
                continue
            assert response.status == 200, f"{role}: {url} answered {response.status}"
            assert "'unsafe-inline'" not in response.headers["content-security-policy"]
            page.wait_for_load_state("networkidle")
            opened += 1
            violations = page.evaluate("window.__cspViolations || []")
            problems += [f"{role} {url}: {v}" for v in violations]
            problems += [f"{role} {url}: console: {text}" for text in console]
            console.clear()
        context.close()
    assert opened > 30, f"only {opened} pages opened"
    assert not problems, "Content-Security-Policy violations:\n" + "\n".join(problems)


def test_a_new_token_is_selected_on_focus_without_an_inline_handler(
    browser, live_server, world, password
):
    base = live_server.url
    context, page = log_in(browser, base, world.a.employee.email, password)
    console: list[str] = []
    _watch(context, page, console)
    page.goto(f"{base}/account/api-tokens/")
    page.fill('input[name="name"]', "ci script")
    page.get_by_role("button", name="Create token").click()
    field = page.get_by_test_id("new-token")
    assert field.get_attribute("onfocus") is None
    page.wait_for_load_state("load")  # the deferred script has run
    field.focus()
    page.wait_for_function(
        "() => { const f = document.getElementById('new-token');"
        " return f.selectionStart === 0 && f.selectionEnd === f.value.length && f.value; }"
    )
    assert page.evaluate("window.__cspViolations") == []
    assert console == []
    context.close()
