"""Background jobs of guidelines."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task

from advocacy.models import Organization

log = logging.getLogger(__name__)


@shared_task(
    name="guidelines.tasks.policy_reminders_deliver",
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_jitter=True,
)
def policy_reminders_deliver(reminder_ids: list[int], organization_id: int) -> int:
    """E-mail reminders that ``policy_reminders_send`` recorded; ids are re-loaded inside
    their organization, so a mismatched pair sends nothing."""
    from .services.reminders import policy_reminder_emails_send

    organization = Organization.objects.filter(pk=organization_id, is_active=True).first()
    if organization is None:
        log.warning("policy_reminders_deliver: organization %s not found", organization_id)
        return 0
    return policy_reminder_emails_send(organization=organization, reminder_ids=reminder_ids)
