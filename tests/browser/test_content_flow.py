"""The content issue in a real browser: a manager adds a link item through the library
pages, its link preview arrives from a real Celery worker, the manager sends it to review
and an admin approves it; an employee finds it in the feed, opens it, is sent to read and accept the social-media
policy and comes back; then the live caption checker flags a banned Lithuanian term typed
without its diacritics as blocking (the caption cannot be copied for sharing) and fixes a
misspelled brand name with one click; the clean caption is copied with the link.

The link points at a page of a local web site on 127.0.0.1 with OpenGraph tags (the SSRF
guard lets loopback through only under the test flag). The preview is fetched by a real
worker (``celery.contrib.testing.worker.start_worker``) in a thread of this process, on
the configured broker, sharing the test database with the live server: what ``make run``
does, rather than an eager task that would run inside the manager's save request.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from advocacy.models import Role
from guidelines import services as guidelines_services
from guidelines.models import DocumentKind, RuleKind, Severity

from .support import log_in, png_bytes, screenshots_dir

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = """<!doctype html><html><head><meta charset="utf-8">
<title>Plain HTML title</title>
<meta property="og:title" content="Acme ovens go fully electric">
<meta property="og:description" content="Every Acme bakery in the Baltics now bakes with renewable power.">
<meta property="og:image" content="/og-image.png">
<meta property="og:site_name" content="Acme Newsroom">
</head><body><h1>Acme ovens go fully electric</h1></body></html>"""

POLICY = """# Social media policy

Share what you are proud of. Keep customer names and unreleased products private.
Questions? Ask the communications team.
"""


@pytest.fixture
def guidelines_in_place(world) -> dict[str, object]:
    """A published social-media policy and two caption rules of tenant A."""
    admin = world.a.members["admin"]
    policy = guidelines_services.policy_document_create(
        actor=admin,
        kind=DocumentKind.POLICY,
        title="Social media policy",
        body_markdown=POLICY,
    )
    guidelines_services.policy_version_publish(version=policy.versions.get(), actor=admin)
    guidelines_services.guideline_rule_create(
        actor=admin,
        kind=RuleKind.BANNED_TERM,
        networks=[],
        pattern="žąsis",
        replacement="",
        max_length=None,
        severity=Severity.BLOCK,
        message="",
    )
    guidelines_services.guideline_rule_create(
        actor=admin,
        kind=RuleKind.BRAND_SPELLING,
        networks=[],
        pattern="Akme",
        replacement="Acme",
        max_length=None,
        severity=Severity.WARN,
        message="",
    )
    return {"policy": policy}


def test_link_item_preview_approval_feed_policy_and_live_checker(
    browser, live_server, world, password, guidelines_in_place, loopback_site, celery_worker
):
    cache.clear()  # allauth's rate limits and the checker's rule cache live there
    base = live_server.url
    org = world.a.org.slug
    loopback_site.add("/og-image.png", png_bytes(), content_type="image/png")
    article_url = loopback_site.add("/news/electric-ovens", ARTICLE)
    shots = screenshots_dir()

    # 1. The manager signs in and creates a link item through the library pages.
    manager_ctx, page = log_in(browser, base, world.a.user(Role.MANAGER).email, password)
    page.goto(f"{base}/o/{org}/content/library/")
    page.get_by_role("link", name=re.compile("New item")).first.click()
    page.wait_for_url(re.compile(r".*/content/items/new/$"))
    page.select_option('select[name="kind"]', "link")
    page.get_by_label(re.compile(r"^Title")).fill("Our ovens go electric")
    page.get_by_label(re.compile(r"^Link:?$")).fill(article_url)
    page.get_by_label(re.compile(r"^LinkedIn captions")).fill("Proud of the Acme bakers. #acme")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/content/items/\d+/$"))
    item_path = re.sub(r"^https?://[^/]+", "", page.url)

    # 2. The preview arrives from the worker; the card refreshes itself (htmx) meanwhile.
    preview = page.locator("#item-preview")
    preview.get_by_role("heading", name="Acme ovens go fully electric").wait_for(timeout=20_000)
    assert "Every Acme bakery in the Baltics" in preview.inner_text()
    assert "Acme Newsroom" in preview.inner_text()
    image = preview.locator("img").first
    assert image.get_attribute("src") == f"{loopback_site.base}/og-image.png"
    assert image.evaluate("img => img.complete && img.naturalWidth") == 120
    assert "/news/electric-ovens" in loopback_site.hits

    # 3. They send it to review; an admin approves it (an author never approves their own).
    page.get_by_role("button", name="Send to review").click()
    page.wait_for_load_state()
    assert page.locator(".cl-badge.status-in_review").is_visible()
    assert "another reviewer approves it" in page.inner_text("main")
    page.screenshot(path=str(shots / "content-item-manager.png"), full_page=True)
    manager_ctx.close()
    admin_ctx, page = log_in(browser, base, world.a.admin.email, password)
    page.goto(f"{base}{item_path}")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    assert page.locator(".cl-badge.status-approved").is_visible()
    admin_ctx.close()

    # 4. An employee, in their own browser, finds it in the feed.
    employee_ctx, page = log_in(browser, base, world.a.employee.email, password)
    page.goto(f"{base}/o/{org}/feed/")
    card = page.locator("#feed-cards .cl-card", has_text="Our ovens go electric")
    card.wait_for()
    assert "Every Acme bakery in the Baltics" in card.inner_text()  # from the preview
    assert "Proud of the Acme bakers." in card.inner_text()
    assert card.locator("img").get_attribute("src") == f"{loopback_site.base}/og-image.png"
    page.screenshot(path=str(shots / "content-feed-employee.png"), full_page=True)
    card.get_by_role("link", name="Our ovens go electric", exact=True).click()
    page.wait_for_url(f"{base}{item_path}")

    # 5. The item page asks them to read and accept the policy first; they do, and come back.
    pending = page.get_by_test_id("policy-pending")
    assert pending.is_visible()
    pending.get_by_role("link", name="Read the policy").click()
    page.wait_for_url(re.compile(r".*/guidelines/\d+/\?next="))
    assert "Keep customer names and unreleased products private." in page.inner_text("main")
    page.get_by_role("button", name="I have read and accept").click()
    page.wait_for_url(f"{base}{item_path}")
    assert "you have accepted" in page.inner_text("main")
    assert page.get_by_test_id("policy-pending").count() == 0

    # 6. They write their own caption; the checker answers as they type.
    caption = page.get_by_label("Your caption", exact=True)
    caption.fill("")
    caption.press_sequentially("Big news from Akme: no zasis on the menu!", delay=15)
    findings = page.locator("#own-caption-findings")
    banned = findings.locator('[data-kind="banned_term"]')
    banned.wait_for()
    assert banned.get_attribute("data-severity") == "block"
    assert "Must fix" in banned.inner_text() and "zasis" in banned.inner_text()
    assert findings.locator("[data-blocking]").get_attribute("data-blocking") == "true"
    fix = findings.locator('[data-kind="brand_spelling"]').get_by_role("button", name="Use “Acme”")
    assert fix.is_visible()
    page.screenshot(path=str(shots / "content-item-findings.png"), full_page=True)

    # 7. One click corrects the brand name; the banned term still blocks.
    fix.click()
    assert caption.input_value() == "Big news from Acme: no zasis on the menu!"
    findings.locator('[data-kind="brand_spelling"]').wait_for(state="detached")
    assert findings.locator('[data-kind="banned_term"]').is_visible()
    assert findings.locator("[data-blocking]").get_attribute("data-blocking") == "true"
    page.screenshot(path=str(shots / "content-item-fixed.png"), full_page=True)

    # 8. While a "Must fix" finding stands, the caption is not copied for sharing.
    own = page.locator("form[aria-label='Your own caption']")
    own.get_by_role("button", name="Copy caption and link").click()
    assert "Fix the problems marked" in own.locator("[role=status]").inner_text()

    # 9. Without the banned term the caption is clean and goes to the clipboard with the link.
    caption.fill("")
    caption.press_sequentially("Big news from Acme: fresh bread on the menu!", delay=15)
    findings.get_by_text("No problems found.").wait_for()
    employee_ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    own.get_by_role("button", name="Copy caption and link").click()
    own.locator("[role=status]", has_text="Copied.").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"Big news from Acme: fresh bread on the menu!\n\n{article_url}"

    # 10. The item page and the feed hold up on a small phone.
    page.set_viewport_size({"width": 360, "height": 740})
    for path in (item_path, f"/o/{org}/feed/"):
        page.goto(base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} scrolls sideways at 360px ({width}px wide)"
    page.goto(base + item_path)
    page.screenshot(path=str(shots / "content-item-360.png"), full_page=True)
    employee_ctx.close()
