"""Slack and Teams channels: webhook URLs checked and stored encrypted, Block Kit and Adaptive
Card payloads accepted by the sandbox's receivers, once per channel and period."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import requests
from django.utils import timezone

from advocacy.models import Role
from content_library.tests.factories import ApprovedItemFactory
from notifications.models import (
    ChatChannel,
    ChatPost,
    DeliveryStatus,
    OrganizationNotificationSettings,
)
from notifications.services.batches import content_batch_run
from notifications.services.chat import (
    chat_channel_create,
    chat_channel_delete,
    chat_message,
    chat_post_send,
    chat_webhook_url_check,
    notify_chat,
    slack_payload,
    teams_payload,
)
from notifications.tests.factories import ChatChannelFactory
from social.tests.conftest import sandbox, sandbox_server  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def _slack_url(box) -> str:
    return f"{box.url}/slack/services/T0001/B0001/abcdef"


def _teams_url(box) -> str:
    return f"{box.url}/teams/workflows/wf-123/triggers/manual/paths/invoke"


def _send_all(org) -> list[str]:
    return [
        chat_post_send(organization_id=org.pk, post_id=pk)
        for pk in ChatPost.objects.for_org(org).order_by("pk").values_list("pk", flat=True)
    ]


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.slack.com/services/T/B/x",  # not https
        "https://127.0.0.1/services/T/B/x",
        "https://10.0.0.8/hook",
        "https://[::1]/hook",
        "https://user:pw@hooks.slack.com/services/T/B/x",
        "https://no-such-host.invalid/hook",
        "not a url",
    ],
)
def test_webhook_urls_must_be_https_and_public(url):
    with pytest.raises(Exception) as raised:
        chat_webhook_url_check(url)
    assert "url" in raised.value.message_dict  # type: ignore[attr-defined]


def test_channel_is_stored_encrypted_and_only_for_admins(world, sandbox):  # noqa: F811
    admin = world.a.members[Role.ADMIN]
    url = _slack_url(sandbox)
    channel = chat_channel_create(
        actor=admin, kind="slack", name="#news", url=url, events=["content_new"]
    )
    assert url not in channel.url_encrypted and channel.url_hint.startswith("127.0.0.1/")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        chat_channel_create(
            actor=world.a.members[Role.MANAGER],
            kind="slack",
            name="#x",
            url=url,
            events=["content_new"],
        )
    with pytest.raises(PermissionDenied):
        chat_channel_delete(actor=world.b.members[Role.ADMIN], channel=channel)
    chat_channel_delete(actor=admin, channel=channel)
    assert not ChatChannel.objects.exists()


def test_new_content_reaches_slack_and_teams_in_their_formats(world, sandbox):  # noqa: F811
    admin = world.a.members[Role.ADMIN]
    for kind, url in (("slack", _slack_url(sandbox)), ("teams", _teams_url(sandbox))):
        chat_channel_create(
            actor=admin, kind=kind, name=f"#{kind}", url=url, events=["content_new"]
        )
    at = timezone.now() - timedelta(minutes=5)
    items = [
        ApprovedItemFactory.create(
            organization=world.a.org, title=f"News {n}", approved_at=at, feed_at=at
        )
        for n in range(2)
    ]
    content_batch_run(organization=world.a.org)
    assert ChatPost.objects.count() == 2
    assert _send_all(world.a.org) == ["sent", "sent"]
    received = sandbox.admin("GET", "chat")
    [slack] = received["slack"]
    [teams] = received["teams"]
    blocks = slack["payload"]["blocks"]
    assert blocks[0]["type"] == "header" and "2 new items" in blocks[0]["text"]["text"]
    buttons = [e["url"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    for item in items:
        assert any(u.endswith(f"/o/{world.a.org.slug}/shares/compose/{item.pk}/") for u in buttons)
    card = teams["payload"]["attachments"][0]["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert "2 new items" in card["body"][0]["text"]
    # Sent once: a second run finds them sent; a second batch has nothing new.
    assert _send_all(world.a.org) == ["done", "done"]
    content_batch_run(organization=world.a.org, now=timezone.now() + timedelta(seconds=1))
    assert ChatPost.objects.count() == 2
    assert ChatChannel.objects.filter(last_posted_at__isnull=False).count() == 2


def test_targeted_items_are_not_posted_to_company_channels(world, sandbox):  # noqa: F811
    ChatChannelFactory.create(organization=world.a.org, url=_slack_url(sandbox))
    at = timezone.now() - timedelta(minutes=5)
    item = ApprovedItemFactory.create(organization=world.a.org, approved_at=at, feed_at=at)
    item.targets_departments = True
    item.save()
    item.target_departments.add(world.a.department)
    content_batch_run(organization=world.a.org)
    assert not ChatPost.objects.exists()


def test_the_sandbox_refuses_payloads_its_platform_would(sandbox):  # noqa: F811
    slack = _slack_url(sandbox)
    assert requests.post(slack, json={"blocks": [{"type": "bogus"}]}, timeout=5).text == (
        "invalid_blocks"
    )
    assert requests.post(slack, json={}, timeout=5).text == "no_text"
    gone = f"{sandbox.url}/slack/services/T1/B1/gone"
    assert requests.post(gone, json={"text": "hi"}, timeout=5).status_code == 404
    teams = _teams_url(sandbox)
    # An Office 365 connector MessageCard is not what a Workflows webhook takes.
    legacy = {"@type": "MessageCard", "text": "hi"}
    assert requests.post(teams, json=legacy, timeout=5).status_code == 400
    message = {
        "title": "T",
        "body": "B",
        "link": "https://chorus.example/o/x/feed/",
        "open_label": "Open",
        "share_label": "Share",
        "items": [{"title": "I", "link": "https://chorus.example/o/x/shares/compose/1/"}],
    }
    assert requests.post(slack, json=slack_payload(message), timeout=5).text == "ok"
    assert requests.post(teams, json=teams_payload(message), timeout=5).status_code == 202


def test_a_refused_post_is_retried_then_given_up(world, sandbox):  # noqa: F811
    channel = ChatChannelFactory.create(
        organization=world.a.org, url=f"{sandbox.url}/slack/services/T1/B1/gone"
    )
    notify_chat(organization=world.a.org, event="content_new", period="p1", params={"count": 1})
    post = ChatPost.objects.get()
    assert chat_post_send(organization_id=world.a.org.pk, post_id=post.pk) == "retry"
    post.refresh_from_db()
    assert post.status == DeliveryStatus.PENDING and "404" in post.error
    channel.refresh_from_db()
    assert "404" in channel.last_error
    for day in range(1, 5):
        outcome = chat_post_send(
            organization_id=world.a.org.pk,
            post_id=post.pk,
            now=timezone.now() + timedelta(days=day),
        )
    assert outcome == "failed"


def test_org_quiet_hours_delay_chat_posts(world):
    world.a.org.time_zone = "Europe/Vilnius"
    world.a.org.save()
    OrganizationNotificationSettings.objects.create(
        organization=world.a.org, quiet_start=time(20, 0), quiet_end=time(8, 0)
    )
    ChatChannelFactory.create(organization=world.a.org)
    now = datetime(2026, 12, 1, 21, 0, tzinfo=UTC)  # 23:00 in Vilnius
    notify_chat(organization=world.a.org, event="content_new", period="p", now=now)
    post = ChatPost.objects.get()
    assert post.not_before == datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
    assert chat_post_send(organization_id=world.a.org.pk, post_id=post.pk, now=now) == "later"


def test_chat_text_is_in_the_organizations_language(world):
    world.a.org.default_language = "lt"
    world.a.org.save()
    channel = ChatChannelFactory.create(organization=world.a.org)
    post = ChatPost.objects.create(
        organization=world.a.org, channel=channel, event="content_new", params={"count": 3}, key="k"
    )
    message = chat_message(post)
    assert "Acme" in message["title"]
    assert message["share_label"]  # translated by the lead's locale/ at merge


def test_channels_page_adds_and_removes(world, client, sandbox):  # noqa: F811
    client.force_login(world.a.admin)
    url = f"/o/{world.a.org.slug}/notifications/channels/"
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"kind": "slack", "name": "#x", "url": "http://10.0.0.1/x", "events": ["content_new"]}
    )
    assert bad.status_code == 400 and "url" in bad.context["form"].errors
    ok = client.post(
        url,
        {"kind": "teams", "name": "#all", "url": _teams_url(sandbox), "events": ["content_new"]},
    )
    assert ok.status_code == 302
    channel = ChatChannel.objects.get()
    page = client.get(url).content.decode()
    assert "#all" in page and _teams_url(sandbox) not in page
    client.force_login(world.b.admin)
    assert (
        client.post(
            f"/o/{world.b.org.slug}/notifications/channels/{channel.pk}/delete/"
        ).status_code
        == 404
    )
    client.force_login(world.a.admin)
    assert client.post(f"{url}{channel.pk}/delete/").status_code == 302
    assert not ChatChannel.objects.exists()


@pytest.mark.parametrize(
    "url", ["https://127.0.0.1/hook", "https://10.1.2.3/hook", "http://hooks.slack.com/x"]
)
def test_safe_post_json_refuses_private_addresses_and_plain_http(url):
    from advocacy.safe_http import UnsafeURL, safe_post_json

    with pytest.raises(UnsafeURL):
        safe_post_json(url, {"text": "hi"}, timeout=2)


def test_channels_api_for_admins_never_shows_the_webhook(world, api_client, sandbox):  # noqa: F811
    base = f"/api/v1/orgs/{world.a.org.slug}/notifications/channels/"
    api_client.force_login(world.a.user(Role.MANAGER))
    assert api_client.get(base).status_code == 403
    api_client.force_login(world.a.admin)
    bad = api_client.post(
        base,
        {"kind": "slack", "name": "#x", "url": "https://10.0.0.1/x", "events": ["content_new"]},
        format="json",
    )
    assert bad.status_code == 400 and "url" in bad.json()["errors"]
    created = api_client.post(
        base,
        {"kind": "slack", "name": "#news", "url": _slack_url(sandbox), "events": ["content_new"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    listed = api_client.get(base).json()
    assert [c["name"] for c in listed] == ["#news"]
    assert _slack_url(sandbox) not in str(listed)
    channel_id = listed[0]["id"]
    api_client.force_login(world.b.admin)
    assert (
        api_client.delete(f"/api/v1/orgs/{world.b.org.slug}/notifications/channels/{channel_id}/")
    ).status_code == 404
    api_client.force_login(world.a.admin)
    assert api_client.delete(f"{base}{channel_id}/").status_code == 204
    assert not ChatChannel.objects.exists()
