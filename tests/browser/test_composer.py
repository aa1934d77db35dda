"""The composer's live checks follow every change of a caption, not only typing.

A caption can change without a key being pressed: pasted from the clipboard, dropped,
filled in by the browser, or set by our own scripts (a picked suggestion, a one-click fix).
Each must re-run the guideline check and the character count, and disable Share while a
"Must fix" finding stands (the server checks again on submit). "Add #hashtag" puts the
hashtag where the member's caret was, or at the end, and never splits a word.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

from content_library.models import Kind
from content_library.tests.factories import ApprovedItemFactory, CaptionFactory
from guidelines import services as guidelines_services
from guidelines.models import RuleKind, Severity
from social.tests.factories import NetworkAccountFactory

from .support import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _rule(world, kind: str, pattern: str, severity: str) -> None:
    guidelines_services.guideline_rule_create(
        actor=world.a.members["admin"],
        kind=kind,
        networks=[],
        pattern=pattern,
        replacement="",
        max_length=None,
        severity=severity,
        message="",
    )


@pytest.fixture
def composer(browser, live_server, world, password):
    """The employee's composer for an item with two suggested LinkedIn captions, under a
    banned term ("confidential", must fix) and a required hashtag ("#acme", a warning)."""
    cache.clear()
    _rule(world, RuleKind.BANNED_TERM, "confidential", Severity.BLOCK)
    _rule(world, RuleKind.REQUIRED_TEXT, "#acme", Severity.WARN)
    NetworkAccountFactory.create(
        user=world.a.employee, network="linkedin", display_name="Ema Employee"
    )
    item = ApprovedItemFactory.create(
        organization=world.a.org, kind=Kind.LINK, title="Ovens", url="https://example.com/ovens"
    )
    CaptionFactory.create(
        item=item, network="linkedin", text="Proud of our bakers today", position=0
    )
    CaptionFactory.create(
        item=item, network="linkedin", text="Our confidential oven plans", position=1
    )
    context, page = log_in(browser, live_server.url, world.a.employee.email, password)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{live_server.url}/o/{world.a.org.slug}/shares/compose/{item.pk}/")
    target = page.locator('[data-composer] fieldset[data-network="linkedin"]')
    target.locator(".caption-findings-result").wait_for()
    target.get_by_role("checkbox").check()
    yield page, target
    context.close()


def _share_button(page):
    return page.locator("[data-composer]").get_by_role("button", name="Share", exact=True)


def test_paste_drop_and_a_picked_suggestion_are_checked_like_typing(composer):
    page, target = composer
    caption = target.locator("textarea")
    share = _share_button(page)
    length = target.locator(".caption-length")
    assert share.is_enabled()
    assert length.inner_text() == "25 of 3,000 characters"

    # A paste from the clipboard (Ctrl+V): no key is typed into the text.
    page.evaluate("navigator.clipboard.writeText('Read our confidential roadmap')")
    caption.fill("")
    caption.focus()
    page.keyboard.press("Control+V")
    target.locator('.caption-findings-result[data-blocking="true"]').wait_for()
    assert caption.input_value() == "Read our confidential roadmap"
    assert "confidential" in target.locator(".finding-block").inner_text()
    assert share.is_disabled()
    assert length.inner_text() == "29 of 3,000 characters"
    assert target.locator(".sh-preview-text").inner_text() == "Read our confidential roadmap"

    # Text set at once, as a drop or the browser's autofill does (an "input" event only).
    caption.fill("Proud of our bakers #acme")
    target.get_by_text("No problems found.").wait_for()
    assert share.is_enabled()
    assert length.inner_text() == "25 of 3,000 characters"

    # Our own script: picking the second suggested caption sets the text programmatically.
    target.get_by_label("Suggested captions").select_option(index=1)
    target.locator('.caption-findings-result[data-blocking="true"]').wait_for()
    assert caption.input_value() == "Our confidential oven plans"
    assert share.is_disabled()
    assert page.locator("[data-share-blocked]").is_visible()


def test_add_hashtag_goes_to_the_caret_or_the_end_and_never_splits_a_word(composer):
    page, target = composer
    caption = target.locator("textarea")
    add = target.get_by_role("button", name="Add “#acme”")

    # Never touched: the hashtag goes at the end, after a space.
    add.click()
    target.get_by_text("No problems found.").wait_for()
    assert caption.input_value() == "Proud of our bakers today #acme"

    # The caret left inside "bakers": the hashtag goes after that word, spaced.
    caption.fill("Proud of our bakers today")
    add.wait_for()
    caption.click()
    page.keyboard.press("Control+Home")
    for _ in range(len("Proud of our bake")):
        page.keyboard.press("ArrowRight")
    add.click()
    target.get_by_text("No problems found.").wait_for()
    assert caption.input_value() == "Proud of our bakers #acme today"
    assert target.locator(".sh-preview-text").inner_text() == "Proud of our bakers #acme today"

    # The caret at the very start: a space after the hashtag keeps the first word whole.
    caption.fill("Proud of our bakers")
    add.wait_for()
    page.keyboard.press("Control+Home")
    add.click()
    target.get_by_text("No problems found.").wait_for()
    assert caption.input_value() == "#acme Proud of our bakers"
