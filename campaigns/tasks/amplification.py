"""Celery tasks of company-page amplification (queue ``publishing``; bodies in
``campaigns.services.amplification``). Acknowledged late and delivered again when the worker
dies; the row lock, state check and ``attempt_id`` there make a redelivery harmless."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

from ..services import amplification

__all__ = ["amplifications_sweep", "publish_amplification", "reconcile_amplification"]

TASK_OPTIONS: dict[str, Any] = {
    "ignore_result": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "queue": "publishing",
    "time_limit": settings.SOCIAL_PUBLISH_TIME_LIMIT,
    "soft_time_limit": max(1, settings.SOCIAL_PUBLISH_TIME_LIMIT - 10),
}


@shared_task(name="campaigns.tasks.publish_amplification", **TASK_OPTIONS)
def publish_amplification(amplification_id: int) -> str:
    return amplification.amplification_publish(amplification_id)


@shared_task(name="campaigns.tasks.reconcile_amplification", **TASK_OPTIONS)
def reconcile_amplification(amplification_id: int) -> str:
    return amplification.amplification_reconcile(amplification_id, only_if_due=True)


@shared_task(name="campaigns.tasks.amplifications_sweep", **TASK_OPTIONS)
def amplifications_sweep() -> dict[str, int]:
    return amplification.amplifications_sweep()
