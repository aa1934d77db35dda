"""Celery tasks of campaigns: the clock (``campaigns_clock``, on beat every minute)."""

from __future__ import annotations

from celery import shared_task

from ..services import campaigns as services

__all__ = ["campaigns_clock"]


@shared_task(name="campaigns.tasks.campaigns_clock", ignore_result=True)
def campaigns_clock() -> int:
    """Scheduled campaigns whose start has come go live; live ones whose end has come end."""
    return services.campaigns_clock_tick()
