"""Onboarding in a real browser: an admin signs up with a new organization, verifies
their e-mail, invites a colleague; the colleague accepts in another browser, switches
the interface to Lithuanian and sees the employee home in Lithuanian.

Runs headless Chromium through Playwright against pytest-django's live server (the
``browser`` and ``eager_celery`` fixtures are in tests/browser/conftest.py). Without
/usr/bin/chromium the test is skipped, unless CHORUS_REQUIRE_BROWSER=1 makes that a failure.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from .support import VIEWPORT, screenshots_dir

ADMIN_PASSWORD = "Rye-Bread-Vilnius-42"
COLLEAGUE_PASSWORD = "Amber-Coast-Klaipeda-7"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _path_of_link(body: str, fragment: str) -> str:
    match = re.search(rf"https?://[^/\s]+(\S*{re.escape(fragment)}\S*)", body)
    assert match, f"no link with {fragment!r} in:\n{body}"
    return match.group(1)


def _mail_to(address: str) -> mail.EmailMessage:
    sent = [m for m in mail.outbox if address in m.to]
    assert sent, f"no e-mail to {address}; outbox: {[m.to for m in mail.outbox]}"
    return sent[-1]


def test_signup_invite_accept_and_switch_to_lithuanian(browser, live_server, eager_celery):
    cache.clear()  # allauth's rate limits live in the cache
    mail.outbox.clear()
    base = live_server.url

    # 1. The admin signs up and creates the organization.
    admin_ctx = browser.new_context(viewport=VIEWPORT)
    page = admin_ctx.new_page()
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Your name").fill("Rasa Petraitė")
    page.fill('input[name="email"]', "rasa@bakeries.example")
    page.fill('input[name="password1"]', ADMIN_PASSWORD)
    page.fill('input[name="password2"]', ADMIN_PASSWORD)
    page.get_by_label("Organization name").fill("Baltic Bakeries")
    page.select_option('select[name="language"]', "en")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/accounts/confirm-email/")

    # 2. They follow the verification link and land on their organization's home.
    confirm = _path_of_link(str(_mail_to("rasa@bakeries.example").body), "/accounts/confirm-email/")
    page.goto(base + confirm)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/o/baltic-bakeries/$"))
    assert page.locator('[data-testid="manager-home"]').is_visible()

    # 3. They invite a colleague from the invite page.
    page.goto(base + reverse("members_invite", kwargs={"org_slug": "baltic-bakeries"}))
    page.fill('[name="emails"]', "jonas@bakeries.example")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    accept = _path_of_link(str(_mail_to("jonas@bakeries.example").body), "/invite/")
    admin_ctx.close()

    # 4. The colleague opens the link in their own browser and sets name and password.
    colleague_ctx = browser.new_context(viewport=VIEWPORT)
    page = colleague_ctx.new_page()
    page.goto(base + accept)
    page.fill('[name="name"]', "Jonas Jonaitis")
    page.fill('[name="password1"]', COLLEAGUE_PASSWORD)
    page.fill('[name="password2"]', COLLEAGUE_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/o/baltic-bakeries/$"))
    assert page.locator('[data-testid="employee-home"]').is_visible()

    # 5. They switch the interface to Lithuanian from the top bar.
    page.locator(".language-switcher summary").click()
    page.locator('.language-switcher button[value="lt"]').click()
    page.wait_for_load_state()

    home = page.locator('[data-testid="employee-home"]')
    home.wait_for()
    assert page.locator("html").get_attribute("lang") == "lt"
    assert "Jūsų ambasadorių programa" in home.inner_text()
    assert "Atsijungti" in page.content()  # "Sign out" in the account menu
    page.screenshot(path=str(screenshots_dir() / "employee-home-lt.png"), full_page=True)

    # 6. The same page holds up on a small phone.
    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    assert page.locator('[data-testid="employee-home"]').is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways at 360px ({width}px wide)"
    page.screenshot(path=str(screenshots_dir() / "employee-home-lt-360.png"), full_page=True)
    colleague_ctx.close()
