"""Celery tasks of raffles: the clock that closes raffles at their time."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from advocacy.models import Organization

from ..services import raffles as services

log = logging.getLogger(__name__)

__all__ = ["raffles_close_due"]


@shared_task(name="campaigns.tasks.raffles_close_due", ignore_result=True)
def raffles_close_due() -> int:
    """Every minute: close the open raffles whose time has come, organization by
    organization (each raffle frozen once, whoever else tries at the same moment)."""
    now = timezone.now()
    total = 0
    for organization_id in services.dangerously_raffles_due(now=now):
        organization = Organization.objects.filter(pk=organization_id, is_active=True).first()
        if organization is None:
            continue
        total += services.raffles_close_due(organization=organization, now=now)
    if total:
        log.info("raffles_close_due: %d raffles closed", total)
    return total
