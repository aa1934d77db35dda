"""Background jobs of the core."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from .models import Invitation

log = logging.getLogger(__name__)


@shared_task(name="advocacy.tasks.invitations_expire")
def invitations_expire() -> int:
    """Count expired, unanswered invitations (they are refused on use; kept for the audit trail)."""
    n = Invitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lte=timezone.now()
    ).count()
    log.info("invitations_expire: %d expired invitations pending clean-up", n)
    return n
