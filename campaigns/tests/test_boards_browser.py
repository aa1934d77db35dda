"""The leaderboard pages in a real browser, filled with a board: they fit a phone (390 px)
and a desktop (1280 px), and the definitions open without a script."""

from __future__ import annotations

import pytest

from tests.browser.conftest import browser
from tests.browser.support import log_in, screenshots_dir
from tests.browser.test_mobile import DESKTOP, PHONE, _fits
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory

from .boards_support import clean_boards, earn
from .factories import CampaignFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["browser", "clean_boards"]


def test_leaderboard_pages_fit_a_phone_and_a_desktop(
    browser, live_server, world, password, clean_boards
):
    t = world.a
    legal = DepartmentFactory.create(
        organization=t.org, name="Legal and Regulatory Affairs Department"
    )
    for i in range(14):
        user = UserFactory.create(name=f"Maximilian Alexander Featherstonehaugh-Smythe {i}")
        member = MembershipFactory.create(
            organization=t.org,
            user=user,
            department=legal if i % 3 else t.department,
            location="Vilnius, Lithuania",
        )
        earn(member, 1000 + 17 * i)
    me = t.members["employee"]
    me.location = "Vilnius, Lithuania"
    me.save(update_fields=["location"])
    earn(me, 1050)
    campaign = CampaignFactory.create(organization=t.org, name="Spring launch with a long name")
    base = live_server.url
    context, page = log_in(browser, base, t.employee.email, password, viewport=PHONE)
    slug = t.org.slug
    problems = []
    urls = [
        f"/o/{slug}/leaderboards/?period=all",
        f"/o/{slug}/leaderboards/?board=department",
        f"/o/{slug}/leaderboards/?board=location&location=Vilnius%2C+Lithuania&period=month",
        f"/o/{slug}/leaderboards/?board=campaign&campaign={campaign.pk}&metric=impressions",
        f"/o/{slug}/leaderboards/teams/?period=all",
        f"/o/{slug}/leaderboards/?board=nope",
    ]
    shots = screenshots_dir()
    for n, url in enumerate(urls):
        response = page.goto(base + url)
        assert response is not None and response.status in (200, 400), url
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            problem = _fits(page, url, viewport["width"])
            if problem:
                problems.append(problem)
            if n in (0, 4):
                page.screenshot(
                    path=str(shots / f"boards-{n}-{viewport['width']}.png"), full_page=True
                )
        page.set_viewport_size(PHONE)
    page.goto(base + urls[0])
    page.locator("details.board-definition summary").first.click()
    assert page.locator("details.board-definition dd").first.is_visible()
    context.close()
    assert not problems, "\n".join(problems)
