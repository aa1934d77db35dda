"""The sharing demo: real accounts and posts in the sandbox, links, clicks, snapshots; idempotent."""

from __future__ import annotations

from django.db.models import Sum

from advocacy.demo import DemoMembers
from content_library import demo as content_demo
from social import demo
from social.models import (
    AccountStatus,
    ClickEvent,
    MetricSnapshot,
    NetworkAccount,
    Share,
    ShareState,
    TrackedLink,
)


def _counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count() for m in (NetworkAccount, Share, TrackedLink, ClickEvent, MetricSnapshot)
    )


def test_demo_seed_fills_every_page_and_is_idempotent(sandbox, world):
    org = world.a.org
    members = DemoMembers(memberships=list(world.a.members.values()))
    content_demo.seed(organization=org, members=members)
    demo.seed(organization=org, members=members)
    first = _counts()
    accounts, shares, links, clicks, snapshots = first
    assert accounts >= 1 and shares >= accounts and links == shares
    assert clicks > shares and snapshots > shares
    # The accounts are real in the sandbox: every share is a post there, by its author.
    posts = {p["id"]: p for p in sandbox.linkedin_posts()}
    for share in Share.objects.select_related("account"):
        assert share.state == ShareState.PUBLISHED and share.published_at
        assert posts[share.external_id]["author"] == share.account.extra["author_urn"]
        assert share.permalink
        assert share.impressions is not None  # the latest snapshot, copied
    assert set(NetworkAccount.objects.values_list("status", flat=True)) == {AccountStatus.CONNECTED}
    # Counters add up to the click rows; bots are counted apart.
    totals = TrackedLink.objects.aggregate(h=Sum("human_clicks"), b=Sum("bot_clicks"))
    assert totals["h"] == ClickEvent.objects.filter(is_bot=False).count()
    assert totals["b"] == ClickEvent.objects.filter(is_bot=True).count()
    assert Share.objects.aggregate(c=Sum("clicks"))["c"] == totals["h"]
    # Snapshots are spread over the weeks.
    times = MetricSnapshot.objects.values_list("fetched_at", flat=True)
    assert (max(times) - min(times)).days >= 7
    tokens = dict(NetworkAccount.objects.values_list("pk", "access_token_encrypted"))
    demo.seed(organization=org, members=members)
    assert _counts() == first
    # A second run keeps the accounts' tokens: the sandbox still knows them as valid.
    assert dict(NetworkAccount.objects.values_list("pk", "access_token_encrypted")) == tokens
