"""A raffle from start to proof, in a browser: a manager creates a raffle over a period,
two employees' published shares put them in it, the manager closes it and draws it with a
public value; the public page (no sign-in) shows the winner, fits a phone, and the
standalone script, given only the public page's address, agrees with the draw."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from advocacy.models import Role
from campaigns.models import Raffle
from campaigns.services.raffles import raffle_pseudonym
from campaigns.tests.raffle_support import published_shares

from .support import log_in, screenshots_dir
from .test_mobile import DESKTOP, PHONE, _fits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "raffle_verify.py"


def test_a_raffle_is_created_closed_drawn_and_verified_from_its_public_page(
    browser, live_server, world, password
):
    tenant = world.a
    base = live_server.url
    sharers = [tenant.members[Role.EMPLOYEE], tenant.members[Role.HR]]
    for n, member in enumerate(sharers, start=1):
        published_shares(member, None, n)
    context, page = log_in(browser, base, tenant.user(Role.MANAGER).email, password)
    page.goto(f"{base}/o/{tenant.org.slug}/raffles/")
    page.get_by_role("link", name="New raffle").click()
    now = timezone.localtime()
    page.fill("#id_title", "Sharers of the week")
    page.fill("#id_prize", "A team lunch")
    page.fill("#id_period_start", (now - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_period_end", (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_closes_at", (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
    page.check("#id_entry_per_share")
    page.get_by_role("button", name="Create the raffle").click()
    page.wait_for_load_state()
    raffle = Raffle.objects.get(organization=tenant.org, title="Sharers of the week")
    assert raffle.commitment in page.content() and raffle.seed not in page.content()

    page.get_by_role("button", name="Close the raffle now").click()
    page.wait_for_load_state()
    assert "2 entries frozen" in page.content()
    page.fill("#id_public_value", "drand round 4242")
    page.get_by_role("button", name="Draw and reveal the seed").click()
    page.wait_for_load_state()
    raffle.refresh_from_db()
    assert raffle.status == "drawn"
    winner = raffle.winners.get().entry
    assert winner.membership.user.name in page.locator("[data-winners]").inner_text()
    context.close()

    # The public page, as anyone: no sign-in.
    public = browser.new_context(viewport=PHONE)
    page = public.new_page()
    url = f"{base}/raffles/{raffle.public_id}/"
    assert page.goto(url).status == 200
    assert page.locator("[data-winners]").inner_text().strip() == winner.pseudonym
    assert page.locator("[data-seed]").inner_text() == raffle.seed
    entries = page.locator("[data-entries]").inner_text()
    for member in sharers:
        assert raffle_pseudonym(raffle, member.pk) in entries
    assert _fits(page, url, PHONE["width"]) is None
    page.screenshot(path=str(screenshots_dir() / "phone-public-raffle.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    assert _fits(page, url, DESKTOP["width"]) is None
    public.close()

    # The standalone script, from the public page's address alone.
    run = subprocess.run(
        [sys.executable, str(SCRIPT), url], capture_output=True, text=True, check=False, timeout=60
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "OK: the seed matches the commitment" in run.stdout
