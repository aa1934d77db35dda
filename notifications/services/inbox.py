"""A member's own notifications: mark one or all read."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone

from advocacy.models import Membership
from advocacy.soft_cache import soft_cache

from ..models import Notification
from ..selectors import unread_cache_key


def _forget_count(actor: Membership) -> None:
    soft_cache.delete(unread_cache_key(actor.organization_id, actor.pk))


def notification_mark_read(*, actor: Membership, notification: Notification) -> Notification:
    """Only the recipient marks a notification read; anyone else gets the same 404 as for a
    notification that does not exist."""
    if notification.organization_id != actor.organization_id or (
        notification.membership_id != actor.pk
    ):
        raise Http404
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        _forget_count(actor)
    return notification


def notifications_mark_all_read(*, actor: Membership) -> int:
    count = Notification.objects.filter(
        organization_id=actor.organization_id, membership=actor, read_at__isnull=True
    ).update(read_at=timezone.now())
    _forget_count(actor)
    return count
