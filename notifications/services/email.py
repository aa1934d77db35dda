"""The e-mail channel: one delivery sent exactly once, in the recipient's language and time
zone, with a one-click unsubscribe link (signed, no login) and the RFC 8058 headers.

Exactly once: the delivery row is locked while its message is handed to the backend and
marked sent in the same transaction, so a retried task or a second worker waits for the
lock, then finds it sent. (A crash between the backend accepting the message and the commit
would send it again on retry: the one gap no e-mail protocol closes.)"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from advocacy.dangerous import dangerously
from advocacy.models import Membership

from ..events import EVENTS, MEMBER_CHANNELS, render
from ..models import Channel, Delivery, DeliveryStatus, NotificationPreference
from ..selectors import enabled_channels, member_settings, org_settings
from .quiet import zone

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
#: Tries before a delivery is given up as failed (the task retries with growing pauses).
MAX_ATTEMPTS = 5
ALL_EVENTS = "*"
#: A delivery younger than this is left to the task queued with it.
SWEEP_GRACE = timedelta(minutes=2)


def retry_delay(attempts: int) -> int:
    """Seconds before try ``attempts + 1``: 1, 2, 4, 8 ... minutes."""
    return 60 * 2 ** max(attempts - 1, 0)


def unsubscribe_token(membership: Membership, event: str) -> str:
    return signing.dumps(
        {"o": membership.organization_id, "m": membership.pk, "e": event}, salt=UNSUBSCRIBE_SALT
    )


def unsubscribe_url(membership: Membership, event: str) -> str:
    token = unsubscribe_token(membership, event)
    return settings.SITE_URL.rstrip("/") + reverse(
        "notifications_unsubscribe", kwargs={"token": token}
    )


def unsubscribe_resolve(token: str) -> tuple[Membership, str] | None:
    """The membership and event a token names, or ``None`` for a bad or foreign token."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    membership = (
        Membership.objects.select_related("organization", "user")
        .filter(organization_id=data.get("o"), pk=data.get("m"))
        .first()
    )
    event = data.get("e")
    if membership is None or not isinstance(event, str):
        return None
    if event != ALL_EVENTS and event not in EVENTS:
        return None
    return membership, event


@transaction.atomic
def email_unsubscribe(*, membership: Membership, event: str) -> int:
    """Turn e-mail off for ``event`` (or every event) of the member the signed token named.
    No actor: the signature is the authority, as the link must work without a login."""
    kinds = list(EVENTS) if event == ALL_EVENTS else [event]
    now = timezone.now()
    for kind in kinds:
        NotificationPreference.objects.update_or_create(
            organization_id=membership.organization_id,
            membership=membership,
            event=kind,
            channel=Channel.EMAIL,
            defaults={"enabled": False, "updated_at": now},
        )
    return len(kinds)


def _from_address(organization_name: str) -> str:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((f"{organization_name} · {name or 'Chorus'}", address))


def email_message(delivery: Delivery) -> EmailMultiAlternatives:
    membership = delivery.membership
    user = membership.user
    organization = membership.organization
    language = user.language or organization.default_language or settings.LANGUAGE_CODE
    own = member_settings(membership=membership)
    tz = zone(own.time_zone or organization.time_zone)
    base = settings.SITE_URL.rstrip("/")
    with translation.override(language), timezone.override(tz):
        title, body = render(delivery.event, delivery.params)
        context: dict[str, Any] = {
            "title": title,
            "body": body,
            "organization": organization,
            "user": user,
            "link": base + delivery.link if delivery.link.startswith("/") else delivery.link,
            "unsubscribe_url": unsubscribe_url(membership, delivery.event),
            "unsubscribe_all_url": unsubscribe_url(membership, ALL_EVENTS),
            "preferences_url": base
            + reverse("notifications_preferences", kwargs={"org_slug": organization.slug}),
            "language": language,
        }
        text = render_to_string("notifications/email/notification.txt", context)
        html = render_to_string("notifications/email/notification.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(title.split())[:200],
        body=text,
        from_email=_from_address(organization.name),
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _still_wanted(delivery: Delivery) -> bool:
    membership = delivery.membership
    event = EVENTS.get(delivery.event)
    if event is None or not membership.is_active or not membership.user.email:
        return False
    chosen = enabled_channels(
        event=event,
        memberships=[membership],
        org_row=org_settings(organization=membership.organization),
    )
    return delivery.channel in chosen[membership.pk] and delivery.channel in MEMBER_CHANNELS


def delivery_send(*, organization_id: int, delivery_id: int, now: datetime | None = None) -> str:
    """Send one e-mail delivery. Returns "sent", "done" (sent or given up already, or
    missing), "later" (quiet hours: ``not_before`` is ahead), "skipped" (the member turned
    it off meanwhile or left), "retry" (the backend failed; tried again later) or "failed"."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("membership__user", "membership__organization")
            .filter(organization_id=organization_id, pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return "done"
        if delivery.not_before > now:
            return "later"
        if delivery.channel != Channel.EMAIL or not _still_wanted(delivery):
            delivery.status = DeliveryStatus.SKIPPED
            delivery.save(update_fields=["status"])
            return "skipped"
        delivery.attempts += 1
        try:
            email_message(delivery).send()
        except Exception as exc:
            logger.warning("e-mail delivery %s failed: %s", delivery.pk, exc)
            delivery.error = str(exc)[:300]
            outcome = "failed" if delivery.attempts >= MAX_ATTEMPTS else "retry"
            if outcome == "failed":
                delivery.status = DeliveryStatus.FAILED
            else:
                delivery.not_before = now + timedelta(seconds=retry_delay(delivery.attempts))
            delivery.save(update_fields=["attempts", "error", "status", "not_before"])
            return outcome
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = timezone.now()
        delivery.error = ""
        delivery.save(update_fields=["attempts", "error", "status", "sent_at"])
        return "sent"


@dangerously("The delivery sweep finds e-mails due in every organization (after quiet hours).")
def dangerously_deliveries_due(
    *, now: datetime | None = None, limit: int = 1000
) -> list[tuple[int, int]]:
    """(organization id, delivery id) of pending deliveries whose time has come and that were
    queued a while ago (a fresh one is on its way already)."""
    now = now or timezone.now()
    return list(
        Delivery.objects.filter(
            status=DeliveryStatus.PENDING,
            not_before__lte=now,
            created_at__lte=now - SWEEP_GRACE,
        )
        .order_by("not_before")
        .values_list("organization_id", "pk")[:limit]
    )
