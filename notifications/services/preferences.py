"""A member's notification preferences and the organization's defaults."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.models import Membership
from advocacy.permissions import Capability, capability_require
from advocacy.services import audit_log_record

from ..events import EVENTS, MEMBER_CHANNELS
from ..models import (
    MemberNotificationSettings,
    NotificationPreference,
    OrganizationNotificationSettings,
)
from ..selectors import events_for

UNSET = object()


def _check_time_zone(value: str) -> None:
    if value and value not in available_timezones():
        raise ValidationError({"time_zone": [_("Choose a time zone from the list.")]})


def _check_quiet(start: time | None, end: time | None) -> None:
    if (start is None) != (end is None):
        raise ValidationError({"quiet_end": [_("Give both the start and the end of quiet hours.")]})
    if start is not None and start == end:
        raise ValidationError({"quiet_end": [_("Quiet hours must end at another time.")]})


@transaction.atomic
def preferences_update(
    *,
    actor: Membership,
    channels: Mapping[str, Mapping[str, bool]] | None = None,
    quiet_start: object = UNSET,
    quiet_end: object = UNSET,
    quiet_disabled: object = UNSET,
    time_zone: object = UNSET,
) -> None:
    """Change the acting member's own preferences: ``channels`` maps event → channel → on;
    quiet hours and time zone are changed when given."""
    if not actor.is_active:
        raise ValidationError({"membership": [_("This membership is not active.")]})
    allowed = {e.kind for e in events_for(actor)}
    errors: dict[str, list[str]] = {}
    for event, chosen in (channels or {}).items():
        if event not in allowed:
            errors.setdefault("channels", []).append(
                _("“%(event)s” is not a notification you can receive.") % {"event": event}
            )
            continue
        for channel in chosen:
            if channel not in MEMBER_CHANNELS:
                errors.setdefault("channels", []).append(
                    _("“%(channel)s” is not a channel you can choose.") % {"channel": channel}
                )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    for event, chosen in (channels or {}).items():
        for channel, enabled in chosen.items():
            NotificationPreference.objects.update_or_create(
                organization_id=actor.organization_id,
                membership=actor,
                event=event,
                channel=channel,
                defaults={"enabled": bool(enabled), "updated_at": now},
            )
    row, _created = MemberNotificationSettings.objects.get_or_create(
        organization_id=actor.organization_id, membership=actor
    )
    start = row.quiet_start if quiet_start is UNSET else quiet_start
    end = row.quiet_end if quiet_end is UNSET else quiet_end
    _check_quiet(start, end)  # type: ignore[arg-type]
    if time_zone is not UNSET:
        _check_time_zone(str(time_zone or ""))
        row.time_zone = str(time_zone or "")
    row.quiet_start, row.quiet_end = start, end
    if quiet_disabled is not UNSET:
        row.quiet_disabled = bool(quiet_disabled)
    row.updated_at = now
    row.save()


@transaction.atomic
def org_notification_settings_update(
    *,
    actor: Membership,
    default_channels: Mapping[str, list[str]],
    quiet_start: time | None,
    quiet_end: time | None,
    digest_weekday: int,
    digest_hour: int,
) -> OrganizationNotificationSettings:
    capability_require(actor, Capability.MANAGE_ORGANIZATION)
    errors: dict[str, list[str]] = {}
    clean: dict[str, list[str]] = {}
    for event, chosen in default_channels.items():
        if event not in EVENTS or any(c not in MEMBER_CHANNELS for c in chosen):
            errors.setdefault("default_channels", []).append(
                _("“%(event)s” is not a notification with those channels.") % {"event": event}
            )
            continue
        clean[event] = sorted(set(chosen))
    if not 0 <= int(digest_weekday) <= 6:
        errors["digest_weekday"] = [_("Choose a day of the week.")]
    if not 0 <= int(digest_hour) <= 23:
        errors["digest_hour"] = [_("Choose an hour from 0 to 23.")]
    if errors:
        raise ValidationError(errors)
    _check_quiet(quiet_start, quiet_end)
    row, _created = OrganizationNotificationSettings.objects.select_for_update().get_or_create(
        organization=actor.organization
    )
    row.default_channels = clean
    row.quiet_start, row.quiet_end = quiet_start, quiet_end
    row.digest_weekday, row.digest_hour = int(digest_weekday), int(digest_hour)
    row.updated_at = timezone.now()
    row.save()
    audit_log_record(
        organization=actor.organization,
        actor=actor.user,
        action="notification_settings.updated",
        target=row,
        data={"default_channels": clean},
    )
    return row
