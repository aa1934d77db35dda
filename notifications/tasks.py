"""Celery tasks of notifications, thin over the services. ``bulk_*`` names route to the bulk
queue (``CELERY_TASK_ROUTES``); the sweeps run from the beat schedule."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from advocacy.models import Organization

from .services import batches, chat, email
from .services.dispatch import deliveries_pending

log = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name="notifications.tasks.bulk_email_deliver",
    ignore_result=True,
    max_retries=email.MAX_ATTEMPTS,
)
def bulk_email_deliver(self: object, delivery_id: int, organization_id: int) -> str:
    """Send one e-mail delivery (exactly once: ``services.email.delivery_send``); a failure
    of the backend is retried with growing pauses."""
    outcome = email.delivery_send(organization_id=organization_id, delivery_id=delivery_id)
    if outcome == "retry":
        attempts = getattr(getattr(self, "request", None), "retries", 0) + 1
        # A little after the delivery's own not_before, which the failed try moved on.
        raise self.retry(countdown=email.retry_delay(attempts) + 5)  # type: ignore[attr-defined]
    return outcome


def deliveries_enqueue(*, organization_id: int, keys: list[str]) -> int:
    """Queue the deliveries among ``keys`` that are due now; those waiting for quiet hours
    to end are picked up by ``bulk_deliveries_due``."""
    now = timezone.now()
    queued = 0
    for delivery_id, not_before in deliveries_pending(organization_id=organization_id, keys=keys):
        if not_before <= now:
            bulk_email_deliver.delay(delivery_id, organization_id)
            queued += 1
    return queued


@shared_task(
    bind=True,
    name="notifications.tasks.bulk_chat_post",
    ignore_result=True,
    max_retries=chat.MAX_ATTEMPTS,
)
def bulk_chat_post(self: object, post_id: int, organization_id: int) -> str:
    """Post one message to a Slack or Teams channel (exactly once:
    ``services.chat.chat_post_send``); a platform failure is retried with growing pauses."""
    outcome = chat.chat_post_send(organization_id=organization_id, post_id=post_id)
    if outcome == "retry":
        attempts = getattr(getattr(self, "request", None), "retries", 0) + 1
        raise self.retry(countdown=chat.retry_delay(attempts) + 5)  # type: ignore[attr-defined]
    return outcome


def chat_posts_enqueue(*, organization_id: int, keys: list[str]) -> int:
    """Queue the chat posts among ``keys`` that are due now (the others: the sweep)."""
    from .models import ChatPost, DeliveryStatus

    now = timezone.now()
    due = ChatPost.objects.filter(
        organization_id=organization_id,
        key__in=keys,
        status=DeliveryStatus.PENDING,
        not_before__lte=now,
    ).values_list("pk", flat=True)
    queued = 0
    for post_id in due:
        bulk_chat_post.delay(post_id, organization_id)
        queued += 1
    return queued


@shared_task(name="notifications.tasks.bulk_deliveries_due", ignore_result=True)
def bulk_deliveries_due() -> int:
    """Queue the e-mails and chat posts whose quiet hours ended, and any a lost task left
    behind."""
    due = email.dangerously_deliveries_due()
    for organization_id, delivery_id in due:
        bulk_email_deliver.delay(delivery_id, organization_id)
    posts = chat.dangerously_chat_posts_due()
    for organization_id, post_id in posts:
        bulk_chat_post.delay(post_id, organization_id)
    return len(due) + len(posts)


@shared_task(name="notifications.tasks.bulk_content_batch", ignore_result=True)
def bulk_content_batch() -> int:
    """One "new content" notification per member and batch window, in every organization
    with new items."""
    told = 0
    for organization_id in batches.dangerously_organizations_with_new_content():
        organization = Organization.objects.filter(pk=organization_id, is_active=True).first()
        if organization is None:
            continue
        try:
            told += batches.content_batch_run(organization=organization)
        except Exception:
            log.exception("new-content batch of organization %s failed", organization_id)
    return told
