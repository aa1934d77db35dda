"""Demo notifications: one of every kind a demo member can receive, some read, so the bell,
the list and the preferences have something to show (in the app only: no e-mails are sent
for demo data), and a Slack and a Teams channel pointed at the sandbox's chat receivers
(``social_sandbox/chat.py``), where the next new-content batch is posted. Idempotent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from advocacy.models import Organization

from .models import Notification
from .selectors import events_for


def _samples(organization: Organization) -> dict[str, tuple[dict[str, Any], str]]:
    from content_library.models import ContentItem, Status

    slug = organization.slug
    item = (
        ContentItem.objects.for_org(organization)
        .filter(status=Status.APPROVED)
        .order_by("pk")
        .first()
    )
    title = item.title if item is not None else organization.name
    feed = reverse("content_feed", kwargs={"org_slug": slug})
    in_a_week = (timezone.localdate() + timedelta(days=7)).isoformat()
    return {
        "content_new": ({"count": 3}, feed),
        "share_failed": (
            {"item": title, "network": "linkedin"},
            reverse("shares_mine", kwargs={"org_slug": slug}),
        ),
        "share_needs_reconnect": (
            {"item": title, "network": "facebook"},
            reverse("networks_mine", kwargs={"org_slug": slug}),
        ),
        "token_expiring": (
            {"network": "linkedin", "date": in_a_week},
            reverse("networks_mine", kwargs={"org_slug": slug}),
        ),
        "suggestion_accepted": ({"title": title}, feed),
        "suggestion_declined": (
            {"title": "https://example.com/old-news", "reason": "We shared this last month."},
            reverse("content_suggest", kwargs={"org_slug": slug}),
        ),
        "policy_acceptance": (
            {"title": "Social media policy", "number": 2},
            reverse("guidelines_documents", kwargs={"org_slug": slug}),
        ),
        "review_waiting": ({}, reverse("content_review_queue", kwargs={"org_slug": slug})),
        "suggestion_waiting": ({}, reverse("content_review_queue", kwargs={"org_slug": slug})),
    }


def _sandbox_channels(organization: Organization, admin: Any) -> None:
    from django.conf import settings

    from social import crypto
    from social.processes import default_sandbox_url

    from .models import ChatChannel, ChatKind

    base = (settings.SOCIAL_SANDBOX_URL or default_sandbox_url()).rstrip("/")
    urls = {
        ChatKind.SLACK: f"{base}/slack/services/TDEMO/BDEMO/{organization.slug}",
        ChatKind.TEAMS: f"{base}/teams/workflows/{organization.slug}/triggers/manual/paths/invoke",
    }
    for kind, url in urls.items():
        name = "#chorus-demo"
        if ChatChannel.objects.for_org(organization).filter(kind=kind, name=name).exists():
            continue
        ChatChannel.objects.create(
            organization=organization,
            kind=kind,
            name=name,
            url_encrypted=crypto.encrypt(url),
            url_hint=f"sandbox/…{url[-4:]}",
            events=["content_new"],
            created_by=getattr(admin, "user", None),
        )


def seed(*, organization: Organization, members: Any) -> None:
    samples = _samples(organization)
    now = timezone.now()
    rows = []
    for membership in members:
        membership.organization = organization
        for n, event in enumerate(events_for(membership)):
            params, link = samples.get(event.kind, ({}, ""))
            created = now - timedelta(hours=3 * n)
            rows.append(
                Notification(
                    organization=organization,
                    membership=membership,
                    event=event.kind,
                    params=params,
                    link=link,
                    key=f"demo:{event.kind}:{membership.pk}",
                    created_at=created,
                    # The older half is read: the bell counts the newer ones.
                    read_at=created if n >= 3 else None,
                )
            )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    admins = [m for m in members if m.role == "admin"]
    _sandbox_channels(organization, admins[0] if admins else None)
