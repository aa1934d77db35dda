"""Background jobs of the core."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.utils import timezone

from .models import Invitation

log = logging.getLogger(__name__)


@shared_task(name="advocacy.tasks.invitations_expire")
def invitations_expire() -> int:
    """Hourly: mark unanswered invitations past their date as expired, organization by
    organization, each with an audit entry. Returns how many expired."""
    from .dangerous import dangerously_organizations_with_invitations_past_expiry
    from .models import Organization
    from .services.invitations import invitations_expire as expire_in

    now = timezone.now()
    total = 0
    for organization_id in dangerously_organizations_with_invitations_past_expiry(now=now):
        organization = Organization.objects.filter(pk=organization_id, is_active=True).first()
        if organization is None:
            continue
        total += expire_in(organization=organization, now=now)
    if total:
        log.info("invitations_expire: %d invitations expired", total)
    return total


def _invitation_send(invitation_id: int, organization_id: int) -> bool:
    from .services.invitations import (
        invitation_email_send,
        invitation_status,
        invitation_token_issue,
    )

    invitation = (
        Invitation.objects.select_related("organization", "invited_by", "department")
        .filter(pk=invitation_id, organization_id=organization_id)
        .first()
    )
    if invitation is None:
        log.warning(
            "invitation_send: invitation %s not found in organization %s",
            invitation_id,
            organization_id,
        )
        return False
    status = invitation_status(invitation)
    if status != "pending":
        log.info(
            "invitation_send: invitation %s of organization %s is %s; not sent",
            invitation_id,
            organization_id,
            status,
        )
        return False
    raw = invitation_token_issue(invitation=invitation)
    invitation_email_send(invitation=invitation, raw_token=raw)
    return True


@shared_task(
    name="advocacy.tasks.invitation_send",
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_jitter=True,
)
def invitation_send(invitation_id: int, organization_id: int) -> bool:
    """Issue the invitation's token and e-mail the link. The token is made here, so it
    never travels through the broker; each send makes the previous link useless."""
    return _invitation_send(invitation_id, organization_id)


@shared_task(name="advocacy.tasks.bulk_invitations_send")
def bulk_invitations_send(invitation_ids: list[int], organization_id: int) -> int:
    """Fan a batch (CSV import, pasted list) out on the bulk queue, one task per e-mail,
    so that one failing address is retried alone."""
    for invitation_id in invitation_ids:
        invitation_send.apply_async((invitation_id, organization_id), queue="bulk")
    return len(invitation_ids)
