"""Reads of notifications: a member's notifications and unread count, the effective
preferences (member's choice, else the organization's default, else the registry's)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time
from typing import Any

from django.db.models import QuerySet

from advocacy.models import Membership, Organization
from advocacy.permissions import has_capability
from advocacy.soft_cache import soft_cache

from ..events import EVENTS, MEMBER_CHANNELS, Event
from ..models import (
    MemberNotificationSettings,
    Notification,
    NotificationPreference,
    OrganizationNotificationSettings,
)

UNREAD_CAP = 99
UNREAD_CACHE_SECONDS = 300


def notifications_of(*, membership: Membership) -> QuerySet[Notification]:
    """The member's own notifications (never anyone else's), newest first."""
    return Notification.objects.filter(
        organization_id=membership.organization_id, membership=membership
    ).order_by("-id")


def unread_cache_key(organization_id: int, membership_id: int) -> str:
    return f"notifications:unread:{organization_id}:{membership_id}"


def unread_count(*, membership: Membership) -> int:
    """Unread notifications, capped at ``UNREAD_CAP + 1`` ("99+"); cached, so most pages
    read it without a query (the writes in ``services`` forget the cached value)."""
    key = unread_cache_key(membership.organization_id, membership.pk)
    cached = soft_cache.get(key)
    if isinstance(cached, int):
        return cached
    count = Notification.objects.filter(
        organization_id=membership.organization_id,
        membership_id=membership.pk,
        read_at__isnull=True,
    )[: UNREAD_CAP + 1].count()
    soft_cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def org_settings(*, organization: Organization) -> OrganizationNotificationSettings:
    """The organization's settings row (unsaved defaults when it has none yet)."""
    found = OrganizationNotificationSettings.objects.filter(organization=organization).first()
    return found or OrganizationNotificationSettings(organization=organization)


def org_default_channels(settings_row: OrganizationNotificationSettings, event: Event) -> set[str]:
    chosen = (settings_row.default_channels or {}).get(event.kind)
    if isinstance(chosen, list):
        return {c for c in chosen if c in MEMBER_CHANNELS}
    return set(event.default_channels)


def member_settings(*, membership: Membership) -> MemberNotificationSettings:
    found = MemberNotificationSettings.objects.filter(
        organization_id=membership.organization_id, membership=membership
    ).first()
    return found or MemberNotificationSettings(
        organization_id=membership.organization_id, membership=membership
    )


def events_for(membership: Membership) -> list[Event]:
    """The events this member can receive (their role's audience)."""
    return [
        e for e in EVENTS.values() if e.audience is None or has_capability(membership, e.audience)
    ]


@dataclass
class EffectivePreferences:
    #: event -> channel -> on/off, for the events the member can receive.
    channels: dict[str, dict[str, bool]]
    quiet_start: time | None
    quiet_end: time | None
    quiet_disabled: bool
    time_zone: str
    #: The member's own choices, for telling them apart from defaults.
    overridden: set[tuple[str, str]]


def preferences_of(*, membership: Membership) -> EffectivePreferences:
    org_row = org_settings(organization=membership.organization)
    own = {
        (p.event, p.channel): p.enabled
        for p in NotificationPreference.objects.filter(
            organization_id=membership.organization_id, membership=membership
        )
    }
    channels: dict[str, dict[str, bool]] = {}
    for event in events_for(membership):
        defaults = org_default_channels(org_row, event)
        channels[event.kind] = {
            channel: own.get((event.kind, channel), channel in defaults)
            for channel in MEMBER_CHANNELS
        }
    ms = member_settings(membership=membership)
    return EffectivePreferences(
        channels=channels,
        quiet_start=ms.quiet_start,
        quiet_end=ms.quiet_end,
        quiet_disabled=ms.quiet_disabled,
        time_zone=ms.time_zone,
        overridden=set(own),
    )


def enabled_channels(
    *, event: Event, memberships: Iterable[Membership], org_row: OrganizationNotificationSettings
) -> dict[int, set[str]]:
    """membership id -> the channels the event goes to (one query for every recipient)."""
    members = list(memberships)
    defaults = org_default_channels(org_row, event)
    result = {m.pk: set(defaults) for m in members}
    if not members:
        return result
    rows: Any = NotificationPreference.objects.filter(
        organization_id=members[0].organization_id,
        membership_id__in=[m.pk for m in members],
        event=event.kind,
    ).values_list("membership_id", "channel", "enabled")
    for membership_id, channel, enabled in rows:
        (result[membership_id].add if enabled else result[membership_id].discard)(channel)
    return result
