"""Celery tasks: clicks (``clicks_drain`` runs on beat every few seconds)."""

from __future__ import annotations

from celery import shared_task

from ..services import clicks

__all__ = ["clicks_drain"]


@shared_task(name="social.tasks.clicks_drain", ignore_result=True)
def clicks_drain() -> dict[str, int | str]:
    """Move queued clicks into the database and add every uncounted click to its counters."""
    result = clicks.clicks_drain()
    return {
        "taken": result.taken,
        "inserted": result.inserted,
        "counted": result.counted,
        "error": result.error,
    }
