"""A campaign from launch to a verified raffle, in a real browser.

A manager creates a campaign with a hashtag and launches it, then opens a raffle for it. Two
employees open the campaign, share its content through the composer (the Facebook share
dialog: no worker needed; "I posted it" publishes the share) with the campaign's hashtag
added by its button; one of them sees themselves on the campaign board. The manager closes
the raffle and draws it with a public value; the raffle's public page (no sign-in) shows the
winner, and both ``manage.py raffle_verify`` and the standalone ``scripts/raffle_verify.py``,
fed the page's proof only, agree with the draw.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from campaigns.models import Campaign, CampaignStatus, Raffle, RaffleStatus
from content_library.models import Kind
from content_library.tests.factories import ApprovedItemFactory
from social.models import Share, ShareState

from .support import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def _share_through_the_dialog(browser, base: str, member, password: str, campaign: Campaign):
    context, page = log_in(browser, base, member.user.email, password)
    org = member.organization.slug
    page.goto(f"{base}/o/{org}/campaigns/{campaign.pk}/")
    page.get_by_test_id("campaign-hashtag").first.wait_for()
    compose = page.get_by_test_id("campaign-item").first.get_by_role(
        "link", name=re.compile("^Share")
    )
    href = compose.get_attribute("href")
    page.goto(f"{base}{href}")
    page.locator('input[name="target"][value="dialog-facebook"]').check()
    page.get_by_test_id("campaign-hashtags-dialog-facebook").get_by_role(
        "button", name="Add #ToBeAPartner"
    ).click()
    page.locator("form [data-share-submit]").first.click()
    page.wait_for_load_state()
    page.get_by_role("button", name="I posted it").first.click()
    page.wait_for_load_state()
    return context, page


def test_campaign_with_a_raffle_from_launch_to_a_verified_draw(
    browser, live_server, world, password
):
    cache.clear()
    base = live_server.url
    tenant = world.a
    org = tenant.org.slug
    ApprovedItemFactory.create(
        organization=tenant.org,
        kind=Kind.LINK,
        title="Our ovens go electric",
        url="https://example.com/ovens",
    )

    # The manager creates and launches the campaign.
    manager = tenant.members["manager"]
    context, page = log_in(browser, base, manager.user.email, password)
    page.goto(f"{base}/o/{org}/campaigns/new/")
    page.get_by_label("Name").fill("Partners month")
    page.get_by_label("Hashtags").fill("#ToBeAPartner")
    page.get_by_label("Target").fill("2")
    now = timezone.now()
    page.get_by_label("Starts").fill(_local(now - timedelta(hours=1)))
    page.get_by_label("Ends").fill(_local(now + timedelta(days=7)))
    page.get_by_label("Our ovens go electric").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_test_id("campaign-launch").click()
    page.wait_for_load_state()
    campaign = Campaign.objects.get(organization=tenant.org, name="Partners month")
    assert campaign.status == CampaignStatus.LIVE and campaign.hashtags == ["ToBeAPartner"]

    # ... and opens a raffle for it.
    page.goto(f"{base}/o/{org}/raffles/new/")
    page.get_by_label("Title").fill("Partners draw")
    page.get_by_label("Prize").fill("A day at the factory")
    page.get_by_label("Campaign").select_option(str(campaign.pk))
    page.get_by_label("Closes").fill(_local(now + timedelta(days=7)))
    page.get_by_role("button", name=re.compile("^(Create|Open|Save)")).click()
    page.wait_for_load_state()
    raffle = Raffle.objects.get(organization=tenant.org, title="Partners draw")
    assert raffle.status == RaffleStatus.OPEN and len(raffle.commitment) == 64

    # Two employees share the campaign's content, with its hashtag.
    first = tenant.members["employee"]
    second = tenant.members["hr"]
    for member in (first, second):
        _share_through_the_dialog(browser, base, member, password, campaign)
    shares = Share.objects.filter(organization=tenant.org, campaign=campaign)
    assert sorted(s.state for s in shares) == [ShareState.PUBLISHED, ShareState.PUBLISHED]
    assert all("#ToBeAPartner" in s.caption for s in shares)
    assert {s.utm_campaign for s in shares} == {campaign.slug}

    # One of them sees themselves on the campaign board.
    employee_context, employee_page = log_in(browser, base, first.user.email, password)
    employee_page.goto(f"{base}/o/{org}/campaigns/{campaign.pk}/")
    board = employee_page.locator("section[aria-labelledby='campaign-board-title']")
    board.wait_for()
    assert re.search(r"#[12]\s+of 2", board.inner_text())

    # The raffle closes and is drawn.
    page.goto(f"{base}/o/{org}/raffles/{raffle.pk}/")
    page.get_by_role("button", name="Close the raffle now").click()
    page.wait_for_load_state()
    page.get_by_label("Public value (optional)").fill("drand round 123456")
    page.get_by_role("button", name="Draw and reveal the seed").click()
    page.wait_for_load_state()
    raffle.refresh_from_db()
    assert raffle.status == RaffleStatus.DRAWN

    # The public page, signed out, shows the winner and every published value.
    public = browser.new_context()
    public_page = public.new_page()
    public_page.goto(f"{base}/raffles/{raffle.public_id}/")
    text = public_page.inner_text("main")
    winners = list(raffle.winners.select_related("entry"))
    assert len(winners) == 1 and winners[0].entry.pseudonym in text
    assert raffle.commitment in text and raffle.seed in text and raffle.entries_hash in text

    # The verify command and the standalone script agree, from the published values alone.
    out = io.StringIO()
    call_command("raffle_verify", str(raffle.public_id), stdout=out)
    assert winners[0].entry.pseudonym in out.getvalue()
    script = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "raffle_verify.py"),
            f"{base}/raffles/{raffle.public_id}/proof.json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert script.returncode == 0, script.stdout + script.stderr
    for ctx in (context, employee_context, public):
        ctx.close()
