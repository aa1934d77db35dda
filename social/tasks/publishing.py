"""Celery tasks: publishing (queue ``publishing``; the bodies live in
``social.services.publishing`` and ``social.services.reconcile``)."""

from __future__ import annotations

from celery import shared_task

from ..services import publishing, reconcile

__all__ = ["publish_due_scheduled", "publish_poll_pending", "publish_share", "reconcile_share"]


@shared_task(name="social.tasks.publish_share", ignore_result=True)
def publish_share(share_id: int) -> str:
    return publishing.publish_share(share_id)


@shared_task(name="social.tasks.reconcile_share", ignore_result=True)
def reconcile_share(share_id: int) -> str:
    return reconcile.reconcile_share(share_id)


@shared_task(name="social.tasks.publish_poll_pending", ignore_result=True)
def publish_poll_pending(share_id: int) -> str:
    return publishing.publish_poll_pending(share_id)


@shared_task(name="social.tasks.publish_due_scheduled", ignore_result=True)
def publish_due_scheduled() -> dict[str, int]:
    return publishing.publish_due_scheduled()
