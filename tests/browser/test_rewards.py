"""Rewards in a browser: an employee redeems from the catalogue and sees the request; a
manager approves and fulfils it from the queue; every rewards page fits 390 and 1280 px."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from advocacy.demo import DemoMembers
from campaigns.demo import rewards as rewards_demo
from campaigns.models import PointsAction, PointsBalance, Redemption, Reward
from campaigns.services.ledger import points_entry_append

from .support import log_in, screenshots_dir
from .test_mobile import DESKTOP, PHONE, _fits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check_fits(page: Any, label: str, problems: list[str], shot: str = "") -> None:
    page.set_viewport_size(PHONE)
    problem = _fits(page, label, PHONE["width"])
    if problem:
        problems.append(problem)
    if shot:
        page.screenshot(path=str(screenshots_dir() / f"phone-{shot}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    problem = _fits(page, label, DESKTOP["width"])
    if problem:
        problems.append(problem)
    if shot:
        page.screenshot(path=str(screenshots_dir() / f"desktop-{shot}.png"), full_page=True)
    page.set_viewport_size(PHONE)


def test_an_employee_redeems_and_a_manager_fulfils(
    browser, live_server, world, password, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    tenant = world.a
    rewards_demo.seed(
        organization=tenant.org, members=DemoMembers(memberships=list(tenant.members.values()))
    )
    employee = tenant.members["employee"]
    points_entry_append(
        membership=employee,
        action=PointsAction.ADJUSTMENT,
        points=600,
        dedupe_key="browser:bonus",
        note="Welcome bonus",
    )
    spendable = PointsBalance.objects.get(membership=employee).spendable
    hoodie = Reward.objects.get(organization=tenant.org, name="Company hoodie")
    base, slug = live_server.url, tenant.org.slug
    problems: list[str] = []

    context, page = log_in(browser, base, tenant.employee.email, password, viewport=PHONE)
    page.goto(f"{base}/o/{slug}/rewards/")
    assert page.get_by_test_id("spendable").inner_text() == f"{spendable:,}"
    page.get_by_text("What are spendable points?").click()
    assert page.get_by_text("never go down when you redeem").is_visible()
    conference = page.locator("li.rw-card", has_text="A conference ticket")
    assert conference.get_by_role("button", name="Redeem").is_disabled()
    assert conference.get_by_text("Out of stock.").is_visible()
    _check_fits(page, "employee catalogue", problems, shot="rewards-catalogue")
    card = page.locator(f'li.rw-card[data-reward="{hoodie.pk}"]')
    card.get_by_role("button", name="Redeem").click()
    page.wait_for_url(f"{base}/o/{slug}/rewards/mine/")
    assert page.get_by_text("You asked for “Company hoodie”").is_visible()
    assert page.get_by_test_id("spendable").inner_text() == f"{spendable - hoodie.cost:,}"
    _check_fits(page, "employee requests", problems, shot="rewards-mine")
    context.close()
    mine = Redemption.objects.filter(membership=employee, reward=hoodie).order_by("-id").first()
    assert mine is not None and mine.status == "requested"

    context, page = log_in(browser, base, tenant.user("manager").email, password, viewport=PHONE)
    page.goto(f"{base}/o/{slug}/rewards/redemptions/?status=requested")
    row = page.locator(f'tr[data-redemption="{mine.pk}"]')
    _check_fits(page, "manager queue", problems, shot="rewards-queue")
    row.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    assert page.get_by_text("Approved. Hand it over").is_visible()
    page.goto(f"{base}/o/{slug}/rewards/redemptions/?status=approved")
    row = page.locator(f'tr[data-redemption="{mine.pk}"]')
    row.get_by_label("Fulfilment note").fill("Size M, given at reception")
    row.get_by_role("button", name="Mark fulfilled").click()
    page.wait_for_load_state()
    assert page.get_by_text("Marked fulfilled.").is_visible()
    for path, label in (
        ("", "manager catalogue"),
        ("new/", "reward form"),
        (f"{hoodie.pk}/edit/", "reward edit"),
    ):
        page.goto(f"{base}/o/{slug}/rewards/{path}")
        _check_fits(page, label, problems, shot="rewards-" + label.replace(" ", "-"))
    context.close()
    mine.refresh_from_db()
    assert mine.status == "fulfilled" and mine.fulfilment_note == "Size M, given at reception"
    assert not problems, "Pages wider than the window:\n" + "\n".join(problems)
