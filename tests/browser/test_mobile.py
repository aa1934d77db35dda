"""Every page of every role fits a phone (390 px) and a desktop (1280 px).

The pages are not a hand list: they are every GET route under ``/o/<org_slug>/`` that the
URL resolver knows (the isolation walker's discovery, with its registries of object ids),
plus the pages outside the organization that a signed-in person reaches from the top bar.
Each role (admin, manager, HR, employee) of a tenant filled with the demo's content,
policies, caption rules, linked accounts, shares, clicks and invitations opens every one
of them; a page the role may not open (403) is noted, and the test checks that each role
still saw every page of its navigation and the main detail pages.

A page fits when ``document.documentElement.scrollWidth`` is not wider than the window:
wide tables scroll inside their own container. On a failure the message names the
elements that stick out. ``CHORUS_SCREENSHOTS`` (a folder) keeps phone screenshots of a
few key pages; by default they go to var/screenshots/.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from advocacy.demo import DemoMembers
from advocacy.models import Role
from campaigns import demo as campaigns_demo
from campaigns.models import Campaign, Raffle
from content_library import demo as content_demo
from content_library.models import ContentItem
from guidelines import demo as guidelines_demo
from guidelines.models import PolicyDocument
from notifications import demo as notifications_demo
from social import demo as social_demo
from social.models import Share
from social.tests.conftest import sandbox, sandbox_server  # noqa: F401 - fixtures
from social.tests.factories import ShareFactory

from ..isolation_support import collect_kwarg_factories, discover_org_routes, route_values
from .support import log_in, screenshots_dir

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
ROLES = (Role.ADMIN, Role.MANAGER, Role.HR, Role.EMPLOYEE)

#: Pages outside the organization that the top bar's account menu links to.
ACCOUNT_PAGES = ("/", "/account/", "/account/api-tokens/", "/accounts/email/",
                 "/accounts/password/change/")  # fmt: skip

#: Route names whose pages every role must have opened (detail pages, not only lists).
# fmt: off
MUST_SEE = (
    "org_home", "content_feed", "content_item", "share_compose", "share_detail",
    "shares_mine", "networks_mine", "guidelines_documents", "guidelines_document",
    "campaigns_list", "campaign_detail",
    "points_mine",
    "rewards_catalogue", "rewards_mine",
    "notifications_list", "notifications_preferences",
)
# fmt: on

#: Pages photographed at phone width (route name -> file name).
# fmt: off
SCREENSHOTS = {
    "org_home": "home", "content_feed": "feed", "content_item": "item",
    "share_compose": "composer", "shares_mine": "my-shares",
    "members_list": "members", "audit_log": "audit-log",
    "guidelines_document": "policy", "networks_health": "network-health",
    "campaigns_list": "campaigns", "campaign_detail": "campaign",
    "campaign_results": "campaign-results", "campaign_create": "campaign-form",
    "points_mine": "my-points", "points_ledger": "points-ledger",
    "rewards_catalogue": "rewards", "rewards_redemptions": "reward-requests",
    "raffle_public": "raffle", "raffle_detail": "raffle-manager",
    "amplify_candidates": "amplify", "company_pages": "company-pages",
    "hashtags_mentions": "hashtags",
    "notifications_list": "notifications",
    "notifications_preferences": "notification-preferences",
    "notifications_org_settings": "notification-defaults",
}
# fmt: on

#: What sticks out of the window, for the failure message.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  const name = (el, r) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${[...el.classList].join(".")} right=${Math.round(r.right)}`;
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1) continue;
    let clipped = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX !== "visible" && p.getBoundingClientRect().right <= width + 1) { clipped = true; break; }
    }
    if (clipped) continue;
    out.push(name(el, r));
    if (out.length >= 8) break;
  }
  if (!out.length) {  // then the culprit hides in a scrolling box: name the outermost ones
    for (const el of document.querySelectorAll("body *")) {
      const r = el.getBoundingClientRect();
      const p = el.parentElement && el.parentElement.getBoundingClientRect();
      if (r.right > width + 1 && p && p.right <= width + 1) out.push(name(el, r) + " in " + name(el.parentElement, p));
      if (out.length >= 8) break;
    }
  }
  return {scroll: document.documentElement.scrollWidth, body: document.body.scrollWidth, width, out};
}"""


def _shots_dir() -> Path:
    folder = os.environ.get("CHORUS_SCREENSHOTS")
    if not folder:
        return screenshots_dir()
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _fill_tenant(world: Any) -> None:
    """The demo's data in tenant A, around the test world's members of every role."""
    tenant = world.a
    members = DemoMembers(memberships=list(tenant.members.values()))
    content_demo.seed(organization=tenant.org, members=members)
    guidelines_demo.seed(organization=tenant.org, members=members)
    social_demo.seed(organization=tenant.org, members=members)
    # Every campaigns feature's demo (campaigns/demo/__init__.py runs them in order).
    campaigns_demo.seed(organization=tenant.org, members=members)
    notifications_demo.seed(organization=tenant.org, members=members)
    _drawn_raffle(tenant)


def _drawn_raffle(tenant: Any) -> None:
    """A raffle over the demo's shares of the last month, closed and drawn: its public page
    shows every published value (long hashes, the entry list, the winners)."""
    from campaigns.services import raffles

    manager, now = tenant.members[Role.MANAGER], timezone.now()
    raffle = raffles.raffle_create(
        actor=manager,
        title="Shares of the month",
        prize="Two tickets to the jazz festival",
        period_start=now - timedelta(days=30),
        period_end=now,
        closes_at=now + timedelta(days=1),
        winners_count=2,
        entry_per_share=True,
    )
    raffles.raffle_close(actor=manager, raffle=raffle)
    raffles.raffle_draw_winners(actor=manager, raffle=raffle, public_value="drand round 4242")


def _public_pages(tenant: Any) -> list[tuple[str, str]]:
    """Public pages (no sign-in): each raffle's page."""
    raffles = Raffle.objects.filter(organization=tenant.org).order_by("pk")
    return [("raffle_public", f"/raffles/{r.public_id}/") for r in raffles]


def _pages_of(world: Any, role: str) -> list[tuple[str, str]]:
    """(route name or path, URL) of every page route, with ids of objects the role owns
    where the page is about the member's own things (a share)."""
    tenant = world.a
    membership = tenant.members[role]
    registry = collect_kwarg_factories()
    own_share = Share.objects.filter(membership=membership).order_by("-id").first()
    if own_share is None:
        own_share = ShareFactory(membership=membership)
    item = ContentItem.objects.filter(organization=tenant.org, status="approved").exclude(url="")
    policy = PolicyDocument.objects.filter(organization=tenant.org).order_by("pk").first()
    live_campaign = (
        Campaign.objects.filter(organization=tenant.org, status="live").order_by("pk").first()
    )
    overrides = {
        **({"campaign_id": live_campaign.pk} if live_campaign is not None else {}),
        "share_id": own_share.pk,
        "item_id": item.order_by("pk").first().pk,
        "document_id": policy.pk,
    }
    drawn = Raffle.objects.filter(organization=tenant.org, status="drawn").order_by("pk").first()
    if drawn is not None:
        overrides["raffle_id"] = drawn.pk
    pages = [(path, path) for path in ACCOUNT_PAGES] + _public_pages(tenant)
    for route in discover_org_routes():
        methods = route.allowed_methods()
        if route.kind != "page" or (methods is not None and "get" not in methods):
            continue
        values = route_values(route, tenant, registry)
        values.update({k: v for k, v in overrides.items() if k in route.params})
        pages.append((route.name or route.template, route.url(values)))
    return pages


def _fits(page: Any, label: str, width: int) -> str | None:
    info = page.evaluate(OVERFLOW_JS)
    if info["scroll"] <= width and info["body"] <= width:
        return None
    return f"{label} at {width}px: {info['scroll']}px wide; sticking out: {info['out']}"


@pytest.mark.usefixtures("sandbox")  # the social demo links real sandbox accounts
def test_every_page_of_every_role_fits_a_phone_and_a_desktop(browser, live_server, world, password):
    cache.clear()
    _fill_tenant(world)
    base = live_server.url
    shots = _shots_dir()
    problems: list[str] = []
    for role in ROLES:
        pages = _pages_of(world, role)
        context, page = log_in(browser, base, world.a.user(role).email, password, viewport=PHONE)
        seen: set[str] = set()
        nav_urls: set[str] = set()
        for label, url in pages:
            response = page.goto(base + url)
            if response is None or response.status in (403, 404, 405):
                continue
            assert response.status == 200, f"{role}: {url} answered {response.status}"
            page.wait_for_load_state("networkidle")
            seen.add(label)
            if label == "org_home":
                nav_urls = set(
                    page.eval_on_selector_all(
                        ".mainnav a[href]", "links => links.map(a => a.getAttribute('href'))"
                    )
                )
            problem = _fits(page, f"{role} {url}", PHONE["width"])
            if problem:
                problems.append(problem)
            if (role == Role.ADMIN and label in SCREENSHOTS) or (
                role == Role.EMPLOYEE and label in ("content_item", "share_compose")
            ):
                page.screenshot(
                    path=str(shots / f"phone-{role}-{SCREENSHOTS[label]}.png"), full_page=True
                )
            page.set_viewport_size(DESKTOP)
            problem = _fits(page, f"{role} {url}", DESKTOP["width"])
            if problem:
                problems.append(problem)
            page.set_viewport_size(PHONE)
        visited_urls = {url for label, url in pages if label in seen}
        missing_nav = sorted(nav_urls - visited_urls)
        assert not missing_nav, f"{role}: navigation entries not visited: {missing_nav}"
        assert nav_urls, f"{role}: no navigation found on the home page"
        missing = [name for name in MUST_SEE if name not in seen]
        assert not missing, f"{role} could not open {missing}"
        context.close()
    assert not problems, "Pages wider than the window:\n" + "\n".join(problems)


def test_the_menu_button_opens_the_navigation_on_a_phone_only(
    browser, live_server, world, password
):
    cache.clear()
    base = live_server.url
    org = world.a.org.slug
    context, page = log_in(browser, base, world.a.admin.email, password, viewport=PHONE)
    page.goto(f"{base}/o/{org}/")
    menu = page.get_by_role("button", name="Menu")
    feed = page.locator(".mainnav").get_by_role("link", name="Feed")
    assert menu.is_visible() and menu.get_attribute("aria-expanded") == "false"
    assert not feed.is_visible()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert feed.is_visible()
    # A grouped menu opens inside the list, and the language and account menus are there.
    page.locator(".mainnav summary", has_text="People").click()
    page.locator(".mainnav").get_by_role("link", name="Members").click()
    page.wait_for_url(f"{base}/o/{org}/members/")
    menu = page.get_by_role("button", name="Menu")
    assert menu.get_attribute("aria-expanded") == "false"
    menu.click()
    page.keyboard.press("Escape")
    assert menu.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.hasAttribute('data-nav-toggle')")
    # On a desktop the bar shows everything and no menu button.
    page.set_viewport_size(DESKTOP)
    assert not menu.is_visible()
    assert page.locator(".mainnav").get_by_role("link", name="Feed").is_visible()
    context.close()
