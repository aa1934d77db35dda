"""Celery tasks: linked accounts (token refresh ahead of expiry, expiry warnings).

The bodies live in ``social.services.tokens``; these take no arguments and re-read the
accounts they act on.
"""

from __future__ import annotations

import logging

from celery import shared_task

from ..services import tokens as services_tokens

log = logging.getLogger(__name__)

__all__ = ["accounts_refresh_expiring", "accounts_warn_expiring"]


@shared_task(name="social.tasks.accounts_refresh_expiring", ignore_result=True)
def accounts_refresh_expiring() -> dict[str, int]:
    counts = services_tokens.accounts_refresh_expiring()
    log.info("accounts_refresh_expiring: %s", counts)
    return counts


@shared_task(name="social.tasks.accounts_warn_expiring", ignore_result=True)
def accounts_warn_expiring() -> int:
    sent = services_tokens.accounts_warn_expiring()
    log.info("accounts_warn_expiring: %d warnings sent", sent)
    return sent
