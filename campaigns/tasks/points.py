"""Celery tasks of points: the weekly streaks (beat, hourly; each organization's week ends at
its own local midnight on Monday, so an hourly sweep scores each one soon after)."""

from __future__ import annotations

import logging

from celery import shared_task

from advocacy.dangerous import dangerously
from advocacy.models import Organization

from ..services import points as scoring

log = logging.getLogger(__name__)

__all__ = ["points_weekly_streaks", "points_weekly_streaks_org"]


@dangerously(
    "The hourly streak sweep finds every active organization; each is then scored by its "
    "own id, in its own time zone, through the scoped scoring service."
)
def dangerously_organizations_for_streaks() -> list[int]:
    return list(Organization.objects.filter(is_active=True).values_list("pk", flat=True))


@shared_task(name="campaigns.tasks.points_weekly_streaks", ignore_result=True)
def points_weekly_streaks() -> int:
    """Hand each organization's streak scoring to its own task."""
    ids = dangerously_organizations_for_streaks()
    for organization_id in ids:
        points_weekly_streaks_org.delay(organization_id)
    return len(ids)


@shared_task(name="campaigns.tasks.points_weekly_streaks_org", ignore_result=True)
def points_weekly_streaks_org(organization_id: int) -> int:
    """Streak entries of the week that ended last in this organization (idempotent)."""
    organization = Organization.objects.filter(pk=organization_id, is_active=True).first()
    if organization is None:
        log.info("streaks: organization %s is gone or inactive", organization_id)
        return 0
    return len(scoring.points_score_weekly_streaks(organization=organization))
