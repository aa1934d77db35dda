"""Sharing in a real browser, end to end against the network sandbox.

An employee connects LinkedIn and Instagram on My networks (allauth's connect flow: the
sandbox's consent pages in the browser, Allow), opens an item, is asked by the composer to
accept the social-media policy first, edits the LinkedIn caption (a banned term disables the
Share buttons until it is gone), shares to both accounts and
watches both shares become published with permalinks. Publishing runs on a real Celery worker
(``celery.contrib.testing.worker.start_worker`` in a thread, on an isolated file-system broker
folder, sharing the test database with the live server). A visitor then follows the LinkedIn
share's tracked link (/s/<code>) and lands on the article, on a local web site, with the UTM
parameters; the click shows on the share's page.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from content_library.models import Kind
from content_library.tests.factories import ApprovedItemFactory, CaptionFactory
from guidelines import services as guidelines_services
from guidelines.models import DocumentKind, RuleKind, Severity
from social.models import Share, ShareState, TrackedLink
from social.tests.accounts_support import oauth_sandbox_fixture  # noqa: F401 - fixture
from social.tests.conftest import sandbox, sandbox_server  # noqa: F401 - fixtures

from .support import log_in, png_bytes, screenshots_dir

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = """<!doctype html><html><head><meta charset="utf-8"><title>Acme ovens</title></head>
<body><h1>Acme ovens go fully electric</h1></body></html>"""

#: A visitor's ordinary browser (headless Chromium's own user agent counts as a bot).
VISITOR_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)


def _connect(page, base: str, org: str, network_label: str) -> None:
    """My networks -> Connect <network> -> the sandbox's consent page -> Allow -> back."""
    page.goto(f"{base}/o/{org}/networks/")
    page.get_by_role("button", name=f"Connect {network_label}").click()
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/"))  # the sandbox
    page.locator('input[name="profile_id"]').first.check()
    page.get_by_role("button", name="Allow").click()
    # Instagram and Facebook append "#_" / "#_=_" to their redirect, as the real ones do.
    page.wait_for_url(re.compile(rf".*/o/{org}/networks/(#.*)?$"))
    page.get_by_test_id("linked-accounts").get_by_role(
        "cell", name=network_label, exact=True
    ).wait_for()


def test_connect_accept_policy_share_to_linkedin_and_instagram_and_follow_the_link(
    browser,
    live_server,
    world,
    password,
    oauth_sandbox,
    loopback_site,
    celery_worker,
    settings,
):
    cache.clear()
    base = live_server.url
    org = world.a.org.slug
    settings.SITE_URL = base
    settings.TRACKED_LINK_BASE_URL = base
    settings.SOCIAL_INSTAGRAM_POLL_SECONDS = 1
    shots = screenshots_dir()

    article_url = loopback_site.add("/news/electric-ovens", ARTICLE)
    image_url = loopback_site.add("/ovens.png", png_bytes(), content_type="image/png")
    policy = guidelines_services.policy_document_create(
        actor=world.a.members["admin"],
        kind=DocumentKind.POLICY,
        title="Social media policy",
        body_markdown="# Share with care\n\nKeep customer names private.",
    )
    guidelines_services.policy_version_publish(
        version=policy.versions.get(), actor=world.a.members["admin"]
    )
    guidelines_services.guideline_rule_create(
        actor=world.a.members["admin"],
        kind=RuleKind.BANNED_TERM,
        networks=[],
        pattern="confidential",
        replacement="",
        max_length=None,
        severity=Severity.BLOCK,
        message="",
    )
    item = ApprovedItemFactory.create(
        organization=world.a.org,
        kind=Kind.LINK,
        title="Acme ovens go electric",
        url=article_url,
        preview_status="ok",
        preview_title="Acme ovens go fully electric",
        preview_image_url=image_url,
    )
    CaptionFactory(item=item, network="linkedin", text="Proud of our bakers.", position=0)
    CaptionFactory(item=item, network="instagram", text="Electric ovens ⚡", position=0)

    context, page = log_in(browser, base, world.a.employee.email, password)

    # 1. Connect LinkedIn and Instagram through the sandbox's consent pages.
    _connect(page, base, org, "LinkedIn")
    _connect(page, base, org, "Instagram")

    # 2. The composer on the item page asks for the policy first.
    item_path = f"/o/{org}/content/items/{item.pk}/"
    page.goto(base + item_path)
    prompt = page.get_by_test_id("composer-policy")
    prompt.wait_for()
    prompt.get_by_role("link", name=re.compile("Read and accept")).click()
    page.wait_for_url(re.compile(r".*/guidelines/\d+/\?next="))
    page.get_by_role("button", name="I have read and accept").click()
    page.wait_for_url(f"{base}{item_path}")

    # 3. Now it offers both accounts, with the suggested captions and the live checker.
    composer = page.locator("[data-composer]")
    linkedin = composer.locator('fieldset[data-network="linkedin"]')
    instagram = composer.locator('fieldset[data-network="instagram"]')
    linkedin.wait_for()
    li_caption = linkedin.locator("textarea")
    assert li_caption.input_value() == "Proud of our bakers."
    assert instagram.locator("textarea").input_value() == "Electric ovens ⚡"
    linkedin.locator(".caption-findings-result").wait_for()
    linkedin.get_by_role("checkbox").check()
    instagram.get_by_role("checkbox").check()
    # A blocking guideline finding disables Share until it is fixed (the server checks too).
    li_caption.fill("")
    li_caption.press_sequentially("Our confidential oven plans", delay=10)
    linkedin.locator('[data-blocking="true"]').wait_for()
    share_button = composer.get_by_role("button", name="Share", exact=True)
    assert share_button.is_disabled()
    assert composer.get_by_role("button", name="Share to all my networks").is_disabled()
    li_caption.fill("")
    li_caption.press_sequentially("Proud of our bakers: the ovens are electric now.", delay=10)
    # The preview follows the caption as it is typed.
    assert "the ovens are electric now" in linkedin.locator(".sh-preview-text").inner_text()
    linkedin.get_by_text("No problems found.").wait_for()
    assert share_button.is_enabled()
    page.screenshot(path=str(shots / "sharing-composer.png"), full_page=True)

    # 4. Share now; both become published with permalinks (the worker publishes).
    composer.get_by_role("button", name="Share", exact=True).click()
    result = page.locator("[data-composer-result]")
    result.wait_for()
    published = result.locator('li[data-state="published"]')
    published.nth(1).wait_for(timeout=45_000)
    assert published.count() == 2
    assert result.locator("a[data-permalink]").count() == 2
    page.screenshot(path=str(shots / "sharing-published.png"), full_page=True)

    li_share = Share.objects.get(membership=world.a.members["employee"], network="linkedin")
    ig_share = Share.objects.get(membership=world.a.members["employee"], network="instagram")
    assert li_share.state == ig_share.state == ShareState.PUBLISHED
    assert li_share.caption == "Proud of our bakers: the ovens are electric now."
    assert li_share.permalink.startswith(f"{oauth_sandbox.url}/linkedin/www/feed/update/urn:li:")
    assert ig_share.permalink
    [post] = oauth_sandbox.linkedin_posts()
    assert post["commentary"] == "Proud of our bakers: the ovens are electric now."
    link = TrackedLink.objects.get(share=li_share)
    tracked_url = f"{base}/s/{link.code}"
    assert post["content"]["article"]["source"] == tracked_url
    [media] = oauth_sandbox.instagram_media()
    assert f"/s/{TrackedLink.objects.get(share=ig_share).code}" in media["caption"]

    # 5. A visitor follows the tracked link and lands on the article with UTM parameters.
    # (The little local site serves exact paths, query included: publish the landing page.)
    target = urlsplit(link.target_url)
    loopback_site.add(f"{target.path}?{target.query}", ARTICLE)
    visitor = browser.new_context(user_agent=VISITOR_UA)
    visit = visitor.new_page()
    visit.goto(tracked_url)
    landed = urlsplit(visit.url)
    assert f"{landed.scheme}://{landed.netloc}{landed.path}" == article_url
    query = parse_qs(landed.query)
    assert query["utm_source"] == ["linkedin"]
    assert query["utm_medium"] == ["employee_advocacy"]
    assert visit.get_by_role("heading", name="Acme ovens go fully electric").is_visible()
    assert f"{target.path}?{target.query}" in loopback_site.hits
    visitor.close()

    # 6. The click shows on the share: at once per day from the click rows, and in the
    # share's counter once the periodic drain (social.tasks.clicks_drain) has run.
    from social.services.clicks import clicks_drain

    clicks_drain()
    page.goto(f"{base}/o/{org}/shares/{li_share.pk}/")
    assert page.locator("[data-clicks]").inner_text() == "1"
    daily = page.get_by_test_id("daily-clicks")
    assert daily.locator("tbody tr td").nth(1).inner_text() == "1"  # people
    assert daily.locator("tbody tr td").nth(2).inner_text() == "0"  # bots
    page.goto(f"{base}/o/{org}/shares/")
    assert page.locator("tr[data-state='published']").count() == 2
    page.screenshot(path=str(shots / "sharing-my-shares.png"), full_page=True)
    context.close()
