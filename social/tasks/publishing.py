"""Celery tasks: publishing (queue ``publishing``; the bodies live in
``social.services.publishing`` and ``social.services.reconcile``).

Every publishing task is acknowledged late (after it ran) and its message is delivered again
when the worker running it dies (``reject_on_worker_lost``; on Redis once the broker's
visibility timeout has passed, see ``CELERY_BROKER_VISIBILITY_TIMEOUT``). A redelivered message
can never post twice: ``publish_share`` sends a create call only for a share it found
``queued`` under a row lock, and in the same transaction moves it to ``publishing`` with a
fresh ``attempt_id``, committed before the call goes out. A second delivery of the same
message then finds the share ``publishing`` (or further) and does nothing, and an answer is
saved only by the attempt whose ``attempt_id`` the share still carries. A share whose worker
died inside the network call is left to the sweep, which never re-sends it blindly: it
reconciles (looks for the post) first. ``reconcile_share`` and ``publish_poll_pending`` are
guarded the same way (state, due time and ``attempt_id`` under the row lock).

Their time limits are ``SOCIAL_PUBLISH_TIME_LIMIT`` (hard) and 10 s less (soft), from which the
visibility timeout and the sweep's thresholds derive (``social.services.publish_queue``).
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

from ..services import publishing, reconcile

__all__ = ["publish_due_scheduled", "publish_poll_pending", "publish_share", "reconcile_share"]

PUBLISHING_TASK: dict[str, Any] = {
    "ignore_result": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "time_limit": settings.SOCIAL_PUBLISH_TIME_LIMIT,
    "soft_time_limit": max(1, settings.SOCIAL_PUBLISH_TIME_LIMIT - 10),
}


@shared_task(name="social.tasks.publish_share", **PUBLISHING_TASK)
def publish_share(share_id: int) -> str:
    return publishing.publish_share(share_id)


@shared_task(name="social.tasks.reconcile_share", **PUBLISHING_TASK)
def reconcile_share(share_id: int) -> str:
    return reconcile.reconcile_share(share_id, only_if_due=True)


@shared_task(name="social.tasks.publish_poll_pending", **PUBLISHING_TASK)
def publish_poll_pending(share_id: int) -> str:
    return publishing.publish_poll_pending(share_id)


@shared_task(name="social.tasks.publish_due_scheduled", **PUBLISHING_TASK)
def publish_due_scheduled() -> dict[str, int]:
    return publishing.publish_due_scheduled()
