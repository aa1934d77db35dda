"""Slack and Microsoft Teams channels of an organization: webhook URLs checked (https, public
addresses: ``advocacy.safe_http``) and stored encrypted (``social.crypto``); posts in each
platform's current format (Slack Block Kit; an Adaptive Card for a Teams Workflows webhook,
the Office 365 connectors being retired), exactly once per channel x event x period, after
the organization's quiet hours, retried when the platform fails."""

from __future__ import annotations

import logging
import socket
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from advocacy.dangerous import dangerously
from advocacy.models import Membership, Organization
from advocacy.permissions import Capability, capability_require
from advocacy.safe_http import SafeHttpError, is_public_address, safe_post_json
from advocacy.services import audit_log_record
from social import crypto

from ..events import EVENTS, chat_events, render
from ..models import ChatChannel, ChatKind, ChatPost, DeliveryStatus
from ..selectors import org_settings
from .quiet import quiet_until, zone

logger = logging.getLogger(__name__)

POST_TIMEOUT_SECONDS = 10.0
MAX_ATTEMPTS = 5
SWEEP_GRACE = timedelta(minutes=2)
#: Items listed in one post (each with its own "Share" button).
MAX_ITEMS = 5


def sandbox_prefixes() -> tuple[str, ...]:
    """The sandbox's webhook URLs (demo and tests): allowed on loopback over http. An
    operator's setting (``SOCIAL_SANDBOX_URL``), never what an admin types."""
    base = (getattr(settings, "SOCIAL_SANDBOX_URL", "") or "").rstrip("/")
    if not base:
        return ()
    return (f"{base}/slack/services/", f"{base}/teams/workflows/")


def chat_webhook_url_check(url: str) -> str:
    """The URL, stripped, when it may be a webhook: https, a host, and every address it
    resolves to public; else ``ValidationError`` on ``url``."""
    url = (url or "").strip()
    if any(url.startswith(prefix) for prefix in sandbox_prefixes()):
        return url
    try:
        parts = urlsplit(url)
        port = parts.port or 443
    except ValueError as exc:
        raise ValidationError({"url": [_("Paste the webhook's full address.")]}) from exc
    if parts.scheme != "https" or not parts.hostname:
        raise ValidationError({"url": [_("A webhook address starts with https://.")]})
    if parts.username or parts.password:
        raise ValidationError({"url": [_("A webhook address has no user name or password.")]})
    if len(url) > 2000:
        raise ValidationError({"url": [_("This address is too long.")]})
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise ValidationError({"url": [_("This host name does not resolve.")]}) from exc
    if not infos or not all(is_public_address(str(info[4][0])) for info in infos):
        raise ValidationError(
            {"url": [_("This address points into a private network; use the platform's.")]}
        )
    return url


def _hint(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname or ''}/…{url[-4:]}"


@transaction.atomic
def chat_channel_create(
    *, actor: Membership, kind: str, name: str, url: str, events: list[str]
) -> ChatChannel:
    capability_require(actor, Capability.MANAGE_ORGANIZATION)
    errors: dict[str, list[str]] = {}
    if kind not in ChatKind.values:
        errors["kind"] = [_("Choose Slack or Microsoft Teams.")]
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Name the channel, e.g. #marketing.")]
    allowed = {e.kind for e in chat_events()}
    if not events or any(e not in allowed for e in events):
        errors["events"] = [_("Choose what to post there.")]
    try:
        url = chat_webhook_url_check(url)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    channel = ChatChannel.objects.create(
        organization=actor.organization,
        kind=kind,
        name=name[:100],
        url_encrypted=crypto.encrypt(url),
        url_hint=_hint(url),
        events=sorted(set(events)),
        created_by=actor.user,
    )
    audit_log_record(
        organization=actor.organization,
        actor=actor.user,
        action="chat_channel.added",
        target=channel,
        data={"name": channel.name, "kind": kind},
    )
    return channel


@transaction.atomic
def chat_channel_delete(*, actor: Membership, channel: ChatChannel) -> None:
    capability_require(actor, Capability.MANAGE_ORGANIZATION, organization=channel.organization_id)
    audit_log_record(
        organization=actor.organization,
        actor=actor.user,
        action="chat_channel.removed",
        target=channel,
        data={"name": channel.name, "kind": channel.kind},
    )
    channel.delete()


def notify_chat(
    *,
    organization: Organization,
    event: str,
    period: str,
    params: Mapping[str, Any] | None = None,
    link: str = "",
    now: datetime | None = None,
) -> int:
    """Post ``event`` to every active channel of the organization that chose it, once per
    channel and period, after the organization's quiet hours. Returns the new posts."""
    if not EVENTS[event].chat:
        raise ValueError(f"{event} is not a chat event")
    now = now or timezone.now()
    channels = [
        c
        for c in ChatChannel.objects.for_org(organization).filter(is_active=True)
        if event in (c.events or [])
    ]
    if not channels:
        return 0
    row = org_settings(organization=organization)
    not_before = (
        quiet_until(now, tz=zone(organization.time_zone), start=row.quiet_start, end=row.quiet_end)
        or now
    )
    posts = [
        ChatPost(
            organization=organization,
            channel=c,
            event=event,
            params=dict(params or {}),
            link=link[:500],
            key=f"{event}:chat{c.pk}:{period}",
            not_before=not_before,
            created_at=now,
        )
        for c in channels
    ]
    with transaction.atomic():
        before = ChatPost.objects.filter(
            organization=organization, key__in=[p.key for p in posts]
        ).count()
        ChatPost.objects.bulk_create(posts, ignore_conflicts=True)
        keys = [p.key for p in posts]
        org_id = organization.pk

        def enqueue() -> None:
            from ..tasks import chat_posts_enqueue

            chat_posts_enqueue(organization_id=org_id, keys=keys)

        transaction.on_commit(enqueue)
    return len(posts) - before


# --- Payloads --------------------------------------------------------------------------------


def _absolute(link: str) -> str:
    return settings.SITE_URL.rstrip("/") + link if link.startswith("/") else link


def chat_message(post: ChatPost) -> dict[str, Any]:
    """What a post says, in the organization's language: title, body, the main link and
    the items (each with a link into the composer)."""
    organization = post.organization
    with translation.override(organization.default_language or settings.LANGUAGE_CODE):
        params = {**post.params, "organization": organization.name}
        title, body = render(post.event, params, chat=True)
        items = [
            {"title": str(i.get("title", ""))[:150], "link": _absolute(str(i.get("link", "")))}
            for i in (post.params.get("items") or [])[:MAX_ITEMS]
            if isinstance(i, dict)
        ]
        return {
            "title": title,
            "body": body,
            "link": _absolute(post.link) if post.link else "",
            "open_label": _("Open in Chorus"),
            "share_label": _("Share"),
            "items": items,
        }


def slack_payload(message: Mapping[str, Any]) -> dict[str, Any]:
    """Slack Block Kit: a header, the body, one section per item with a Share button, and a
    button into Chorus. ``text`` is the notification's fallback."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": message["title"][:150]}}
    ]
    if message["body"]:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": message["body"]}})
    for item in message["items"]:
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"*{item['title'] or '—'}*"},
            }
        )
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": message["share_label"][:75]},
                        "url": item["link"],
                        "style": "primary",
                    }
                ],
            }
        )
    if message["link"]:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": message["open_label"][:75]},
                        "url": message["link"],
                    }
                ],
            }
        )
    return {"text": message["title"], "blocks": blocks[:50]}


def teams_payload(message: Mapping[str, Any]) -> dict[str, Any]:
    """A Teams Workflows webhook message: one Adaptive Card (1.4) with the title, the body,
    one row per item with a Share button, and a button into Chorus."""
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": message["title"],
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        },
    ]
    if message["body"]:
        body.append({"type": "TextBlock", "text": message["body"], "wrap": True})
    for item in message["items"]:
        body.append(
            {
                "type": "Container",
                "separator": True,
                "items": [{"type": "TextBlock", "text": item["title"] or "—", "wrap": True}],
            }
        )
        body.append(
            {
                "type": "ActionSet",
                "actions": [
                    {"type": "Action.OpenUrl", "title": message["share_label"], "url": item["link"]}
                ],
            }
        )
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if message["link"]:
        card["actions"] = [
            {"type": "Action.OpenUrl", "title": message["open_label"], "url": message["link"]}
        ]
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def retry_delay(attempts: int) -> int:
    return 60 * 2 ** max(attempts - 1, 0)


def chat_post_send(*, organization_id: int, post_id: int, now: datetime | None = None) -> str:
    """Post one message; outcomes as ``email.delivery_send``'s."""
    now = now or timezone.now()
    with transaction.atomic():
        post = (
            ChatPost.objects.select_for_update(of=("self",))
            .select_related("channel", "organization")
            .filter(organization_id=organization_id, pk=post_id)
            .first()
        )
        if post is None or post.status != DeliveryStatus.PENDING:
            return "done"
        if post.not_before > now:
            return "later"
        channel = post.channel
        if not channel.is_active or post.event not in (channel.events or []):
            post.status = DeliveryStatus.SKIPPED
            post.save(update_fields=["status"])
            return "skipped"
        message = chat_message(post)
        payload = (
            slack_payload(message) if channel.kind == ChatKind.SLACK else (teams_payload(message))
        )
        post.attempts += 1
        try:
            safe_post_json(
                crypto.decrypt(channel.url_encrypted),
                payload,
                timeout=POST_TIMEOUT_SECONDS,
                allow_loopback_prefixes=sandbox_prefixes(),
            )
        except (SafeHttpError, crypto.TokenDecryptionError) as exc:
            logger.warning("chat post %s to channel %s failed: %s", post.pk, channel.pk, exc)
            post.error = str(exc)[:300]
            failed = post.attempts >= MAX_ATTEMPTS
            if failed:
                post.status = DeliveryStatus.FAILED
            else:
                post.not_before = now + timedelta(seconds=retry_delay(post.attempts))
            post.save(update_fields=["attempts", "error", "status", "not_before"])
            ChatChannel.objects.filter(pk=channel.pk).update(last_error=post.error)
            return "failed" if failed else "retry"
        post.status = DeliveryStatus.SENT
        post.sent_at = timezone.now()
        post.error = ""
        post.save(update_fields=["attempts", "error", "status", "sent_at"])
        ChatChannel.objects.filter(pk=channel.pk).update(last_posted_at=post.sent_at, last_error="")
        return "sent"


@dangerously("The chat sweep finds posts due in every organization (after quiet hours).")
def dangerously_chat_posts_due(
    *, now: datetime | None = None, limit: int = 500
) -> list[tuple[int, int]]:
    now = now or timezone.now()
    return list(
        ChatPost.objects.filter(
            status=DeliveryStatus.PENDING, not_before__lte=now, created_at__lte=now - SWEEP_GRACE
        )
        .order_by("not_before")
        .values_list("organization_id", "pk")[:limit]
    )
