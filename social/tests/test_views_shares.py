"""My shares, a share's detail page, and the retry / cancel / "I posted it" actions."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from advocacy.models import Role
from content_library.tests.factories import ApprovedItemFactory
from social.models import ClickEvent, MetricSnapshot, ShareEvent, ShareState, TrackedLink
from social.services.shares import ShareTarget, share_create
from social.tests.factories import NetworkAccountFactory, ShareFactory

from .shares_support import accept_policy, account, link_item, publish_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def employee(world):
    return world.a.members[Role.EMPLOYEE]


def _mine(org):
    return reverse("shares_mine", kwargs={"org_slug": org.slug})


def _shares(employee, n, **fields):
    out = []
    for i in range(n):
        item = ApprovedItemFactory(
            organization=employee.organization, url=f"https://example.com/{i}"
        )
        out.append(
            ShareFactory(
                membership=employee,
                item=item,
                account=NetworkAccountFactory(user=employee.user),
                **fields,
            )
        )
    return out


def test_my_shares_lists_states_permalinks_errors_and_results(client, world, employee):
    [published] = _shares(
        employee,
        1,
        state=ShareState.PUBLISHED,
        permalink="https://www.linkedin.com/feed/update/urn:li:share:1",
        clicks=7,
        impressions=120,
        reactions=4,
    )
    [failed] = _shares(employee, 1, state=ShareState.FAILED, error_message="Caption too long")
    _shares(world.a.members[Role.MANAGER], 1)  # a colleague's: not listed
    client.force_login(employee.user)
    html = client.get(_mine(world.a.org)).content.decode()
    assert html.count("data-share-id=") == 2
    assert "urn:li:share:1" in html and "Caption too long" in html
    assert ">120<" in html and ">7<" in html
    assert (
        reverse("share_retry", kwargs={"org_slug": world.a.org.slug, "share_id": failed.pk}) in html
    )
    assert "My shares" in html  # the navigation entry
    assert published.pk


def test_my_shares_is_keyset_paginated_with_constant_queries(
    client, world, employee, django_assert_max_num_queries
):
    _shares(employee, 30)
    client.force_login(employee.user)
    with django_assert_max_num_queries(12) as first:
        resp = client.get(_mine(world.a.org))
    html = resp.content.decode()
    assert html.count("data-share-id=") == 25
    assert "?cursor=" in html  # was ?before=<id>: one keyset cursor (advocacy.keyset)
    next_url = html.split('class="pager"><a href="')[1].split('"')[0].replace("&amp;", "&")
    with django_assert_max_num_queries(len(first.captured_queries)):
        rest = client.get(next_url).content.decode()
    assert rest.count("data-share-id=") == 5
    _shares(employee, 20)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(_mine(world.a.org))


def test_my_shares_are_newest_first_by_time_not_by_id_across_pages(client, world, employee):
    """Shares made long ago but stored late (demo data, imports) have high ids: the list
    still follows the time each share was made, and the next page carries on from it."""
    now = timezone.now()
    # Stored in this order: ids grow while the times go back and forth.
    ages_in_days = [3, 0, 29, 1, 14, 2, 7] * 4
    shares = _shares(employee, len(ages_in_days))
    for share, days in zip(shares, ages_in_days, strict=True):
        share.created_at = now - timedelta(days=days, minutes=share.pk % 7)
        share.save(update_fields=["created_at"])
    client.force_login(employee.user)
    html = client.get(_mine(world.a.org)).content.decode()
    next_url = html.split('class="pager"><a href="')[1].split('"')[0].replace("&amp;", "&")
    html += client.get(next_url).content.decode()
    listed = [int(x.split('"')[0]) for x in html.split('data-share-id="')[1:]]
    expected = [s.pk for s in sorted(shares, key=lambda s: (s.created_at, s.pk), reverse=True)]
    assert listed == expected
    assert listed != sorted(listed, reverse=True)  # the order by id would differ


def test_state_filter(client, world, employee):
    _shares(employee, 2, state=ShareState.PUBLISHED)
    _shares(employee, 1, state=ShareState.FAILED)
    client.force_login(employee.user)
    html = client.get(_mine(world.a.org) + "?state=failed").content.decode()
    assert html.count("data-share-id=") == 1


def test_share_detail_shows_events_clicks_and_snapshots(client, world, employee):
    [share] = _shares(employee, 1, state=ShareState.PUBLISHED, clicks=2)
    link = TrackedLink.objects.create(
        organization=world.a.org,
        share=share,
        item=share.item,
        code="abc123",
        target_url="https://x",
    )
    now = timezone.now()
    for is_bot in (False, False, True):
        ClickEvent.objects.create(
            organization=world.a.org,
            event_id=uuid.uuid4(),
            link=link,
            share=share,
            occurred_at=now,
            is_bot=is_bot,
        )
    MetricSnapshot.objects.create(organization=world.a.org, share=share, impressions=321)
    ShareEvent.objects.create(
        organization=world.a.org, share=share, from_state="publishing", to_state="published"
    )
    client.force_login(employee.user)
    url = reverse("share_detail", kwargs={"org_slug": world.a.org.slug, "share_id": share.pk})
    html = client.get(url).content.decode()
    assert "Publishing → <strong>Published</strong>" in html
    assert "<td>2</td><td>1</td>" in html  # people, bots
    assert ">321<" in html
    assert "/s/abc123" in html


def test_share_detail_of_a_colleague_needs_view_analytics(client, world, employee):
    [share] = _shares(world.a.members[Role.ADMIN], 1)
    url = reverse("share_detail", kwargs={"org_slug": world.a.org.slug, "share_id": share.pk})
    client.force_login(employee.user)
    assert client.get(url).status_code == 404
    client.force_login(world.a.members[Role.MANAGER].user)
    assert client.get(url).status_code == 200


def test_cancel_and_retry_from_the_pages(client, world, employee):
    [scheduled] = _shares(
        employee, 1, state=ShareState.SCHEDULED, scheduled_at=timezone.now() + timedelta(hours=2)
    )
    [failed] = _shares(employee, 1, state=ShareState.FAILED, error_message="No")
    client.force_login(employee.user)
    slug = world.a.org.slug
    resp = client.post(
        reverse("share_cancel", kwargs={"org_slug": slug, "share_id": scheduled.pk}),
        {"next": _mine(world.a.org)},
    )
    assert resp.status_code == 302 and resp["Location"] == _mine(world.a.org)
    scheduled.refresh_from_db()
    assert scheduled.state == ShareState.CANCELLED
    resp = client.post(reverse("share_retry", kwargs={"org_slug": slug, "share_id": failed.pk}))
    assert resp.status_code == 302
    failed.refresh_from_db()
    assert failed.state == ShareState.QUEUED
    # A refusal is a message, never an error page.
    resp = client.post(
        reverse("share_cancel", kwargs={"org_slug": slug, "share_id": failed.pk}), follow=True
    )
    assert b"Only scheduled shares can be cancelled" in resp.content


def test_actions_on_a_colleagues_share_are_404(client, world, employee):
    [theirs] = _shares(world.a.members[Role.MANAGER], 1, state=ShareState.FAILED)
    client.force_login(employee.user)
    url = reverse("share_retry", kwargs={"org_slug": world.a.org.slug, "share_id": theirs.pk})
    assert client.post(url).status_code == 404


def test_i_posted_it(client, world, employee):
    accept_policy(employee, publish_policy(world.a.org, world.a.admin))
    item = link_item(world.a.org)
    [share] = share_create(
        membership=employee, item=item, targets=[ShareTarget("Hello", network="facebook")]
    )
    client.force_login(employee.user)
    history_url = reverse(
        "shares_item_history", kwargs={"org_slug": world.a.org.slug, "item_id": item.pk}
    )
    html = client.get(history_url).content.decode()
    assert "Waiting for you to post it" in html and "/dialog/share?" in html
    client.post(
        reverse("share_confirm_dialog", kwargs={"org_slug": world.a.org.slug, "share_id": share.pk})
    )
    share.refresh_from_db()
    assert share.state == ShareState.PUBLISHED
    assert "I posted it" not in client.get(history_url).content.decode()


def test_item_history_polls_while_a_share_is_on_its_way(client, world, employee):
    item = link_item(world.a.org)
    ShareFactory(membership=employee, item=item, account=account(employee), state="queued")
    client.force_login(employee.user)
    url = reverse("shares_item_history", kwargs={"org_slug": world.a.org.slug, "item_id": item.pk})
    assert b"load delay:2s" in client.get(url).content
    assert b"load delay:2s" not in client.get(url + "?poll=61").content
