"""Celery tasks: metrics (the metrics queue; ``metrics_refresh_due`` runs on beat)."""

from __future__ import annotations

from functools import partial

from celery import shared_task
from django.db import transaction

from ..services import metrics

__all__ = ["metrics_refresh_batch", "metrics_refresh_due"]


@shared_task(name="social.tasks.metrics_refresh_due", ignore_result=True)
def metrics_refresh_due() -> dict[str, int]:
    """Lease the shares whose metrics are due and enqueue one batch per account chunk."""
    due = metrics.metrics_due_select()
    for batch in due.batches:
        transaction.on_commit(partial(metrics_refresh_batch.delay, batch))
    return {"batches": len(due.batches), "shares": due.shares, "postponed": due.postponed}


@shared_task(name="social.tasks.metrics_refresh_batch", ignore_result=True)
def metrics_refresh_batch(share_ids: list[int]) -> dict[str, int]:
    """Pull and store the metrics of these shares (re-loaded with their organization)."""
    result = metrics.metrics_refresh_shares([int(pk) for pk in share_ids])
    return {
        "snapshots": result.snapshots,
        "rate_limited": result.rate_limited,
        "reconnect": result.reconnect,
        "failed": result.failed,
        "gone": result.gone,
    }
