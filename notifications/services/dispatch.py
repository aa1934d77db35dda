"""``notify``: the one service that turns an event into notifications. It keeps the
recipients the event's audience allows, reads their preferences in one query, writes the
in-app rows and the deliveries of the other channels (both unique per recipient x event x
period, so calling it twice for the same thing changes nothing) and, on commit, hands the
new deliveries to the bulk queue."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from advocacy.models import Membership
from advocacy.permissions import has_capability
from advocacy.soft_cache import soft_cache

from ..events import EVENTS
from ..models import (
    Channel,
    Delivery,
    DeliveryStatus,
    MemberNotificationSettings,
    Notification,
)
from ..selectors import enabled_channels, org_settings, unread_cache_key
from .quiet import quiet_until, zone

#: Channels sent by a task (one delivery row per recipient).
DELIVERED_CHANNELS = (Channel.EMAIL.value,)


def notification_key(event: str, membership_id: int, period: str, channel: str = "") -> str:
    key = f"{event}:{membership_id}:{period}"
    return f"{key}:{channel}" if channel else key


def _not_before(
    membership: Membership,
    own: MemberNotificationSettings | None,
    org_row: Any,
    now: datetime,
) -> datetime:
    if own is not None and own.quiet_disabled:
        return now
    start = own.quiet_start if own is not None and own.quiet_start else org_row.quiet_start
    end = own.quiet_end if own is not None and own.quiet_end else org_row.quiet_end
    tz_name = (own.time_zone if own is not None else "") or membership.organization.time_zone
    return quiet_until(now, tz=zone(tz_name), start=start, end=end) or now


def notify(
    *,
    event: str,
    recipients: Iterable[Membership],
    period: str,
    params: Mapping[str, Any] | None = None,
    link: str = "",
    now: datetime | None = None,
) -> int:
    """Tell ``recipients`` (memberships of one organization) about ``event``. ``period``
    names what is being told (the share's id and state, the batch window ...): the same
    event, recipient and period is stored and sent once. Returns the number of new in-app
    notifications."""
    spec = EVENTS[event]
    now = now or timezone.now()
    members = [
        m
        for m in recipients
        if m.is_active and (spec.audience is None or has_capability(m, spec.audience))
    ]
    if not members:
        return 0
    organization = members[0].organization
    if any(m.organization_id != organization.pk for m in members):
        raise ValueError("notify() takes the memberships of one organization at a time")
    org_row = org_settings(organization=organization)
    channels = enabled_channels(event=spec, memberships=members, org_row=org_row)
    values = dict(params or {})
    in_app = [
        Notification(
            organization=organization,
            membership=m,
            event=event,
            params=values,
            link=link[:500],
            key=notification_key(event, m.pk, period),
            created_at=now,
        )
        for m in members
        if Channel.IN_APP in channels[m.pk]
    ]
    outside = [m for m in members if channels[m.pk] & set(DELIVERED_CHANNELS)]
    own_settings = (
        {
            s.membership_id: s
            for s in MemberNotificationSettings.objects.filter(
                organization=organization, membership__in=outside
            )
        }
        if outside
        else {}
    )
    deliveries = [
        Delivery(
            organization=organization,
            membership=m,
            event=event,
            channel=channel,
            params=values,
            link=link[:500],
            key=notification_key(event, m.pk, period, channel),
            not_before=_not_before(m, own_settings.get(m.pk), org_row, now),
            created_at=now,
        )
        for m in outside
        for channel in DELIVERED_CHANNELS
        if channel in channels[m.pk]
    ]
    with transaction.atomic():
        before = (
            Notification.objects.filter(
                organization=organization, key__in=[n.key for n in in_app]
            ).count()
            if in_app
            else 0
        )
        Notification.objects.bulk_create(in_app, ignore_conflicts=True)
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        if deliveries:
            keys = [d.key for d in deliveries]
            org_id = organization.pk

            def enqueue() -> None:
                from ..tasks import deliveries_enqueue

                deliveries_enqueue(organization_id=org_id, keys=keys)

            transaction.on_commit(enqueue)
    for n in in_app:
        soft_cache.delete(unread_cache_key(organization.pk, n.membership_id))
    return len(in_app) - before


def deliveries_pending(*, organization_id: int, keys: list[str]) -> list[tuple[int, datetime]]:
    """(id, not_before) of the still pending deliveries among ``keys``."""
    return list(
        Delivery.objects.filter(
            organization_id=organization_id, key__in=keys, status=DeliveryStatus.PENDING
        ).values_list("id", "not_before")
    )
