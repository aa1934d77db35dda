"""Reconciliation: finding out whether a create call that got no answer reached the network.

A share in ``unknown_outcome`` is looked for among the account's recent posts
(``connector.find_published(since=publishing_started_at)``), again and again with growing
pauses, for ``SOCIAL_RECONCILE_WINDOW_SECONDS`` after the call went out. Found ->
``published``; still not found when the window has passed -> ``queued`` again (sent again);
looking keeps failing -> ``failed`` with ``error_code="unconfirmed"`` after
``SOCIAL_RECONCILE_MAX_CHECKS`` (a retry looks once more before sending). The overview is in
``social.services.publishing``.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..connectors.base import ConnectorError, PublishResult, RateLimited, ReauthRequired
from ..connectors.registry import connector_for
from ..models import AccountStatus, Share, ShareState
from . import quotas
from .outcomes import mark_failed, mark_published, needs_reconnect, notify_reconnect, requeue
from .posts import account_ref, share_post_content
from .publish_queue import (
    backoff_seconds,
    enqueue,
    enqueue_at,
    lock_share,
    max_attempts,
    reconcile_max_checks,
    reconcile_next_delay,
    reconcile_window,
)
from .transitions import share_event_record, share_transition


def _unconfirmed_gave_up(share: Share, reason: str) -> str:
    """Reconciliation stops: the member (and an admin) see why and can try again."""
    share.error_code = "unconfirmed"  # a retry looks again before it sends
    share.error_message = reason
    share.next_attempt_at = None
    share_transition(
        share,
        ShareState.FAILED,
        detail=_(
            "Chorus could not find out whether the post went out (%(reason)s) and stopped "
            "checking after %(count)s tries. Look at your profile on the network; if the post "
            "is not there, try again (Chorus checks once more before sending)."
        )
        % {"reason": reason, "count": share.reconcile_checks},
    )
    return "failed"


def share_transition_published_from_queued(share: Share, found: PublishResult) -> None:
    """A queued share whose earlier, unconfirmed try turns out to have been published."""
    share_transition(share, ShareState.PUBLISHING, detail=_("Checking an earlier attempt."))
    mark_published(share, found, detail=_("Found on the network: the earlier attempt worked."))


def handle_reconcile_error(share: Share, error: ConnectorError, *, requeue: bool = False) -> str:
    """Looking for the post failed: look again later, up to the cap (never send blindly).

    ``requeue``: the look before re-sending a queued share (``publish_share``) failed; the
    share goes to ``unknown_outcome`` and reconciliation (capped) takes it from there.
    """
    if isinstance(error, ReauthRequired):
        if share.state == ShareState.QUEUED:
            share_transition(share, ShareState.NEEDS_RECONNECT, detail=error.message)
            account = share.account
            if account is not None and account.status != AccountStatus.NEEDS_RECONNECT:
                account.status = AccountStatus.NEEDS_RECONNECT
                account.status_reason = error.message[:300]
                account.save(update_fields=["status", "status_reason", "updated_at"])
                transaction.on_commit(lambda: notify_reconnect(share))
            return "needs_reconnect"
        needs_reconnect(share, error)
        return "needs_reconnect"
    if requeue:
        share.next_attempt_at = None
        share_transition(share, ShareState.PUBLISHING, detail=_("Checking an earlier attempt."))
        share_transition(
            share,
            ShareState.UNKNOWN_OUTCOME,
            detail=_("Could not check the earlier attempt (%(message)s); checking again.")
            % {"message": error.message},
        )
        share.reconcile_checks += 1
    if share.reconcile_checks >= reconcile_max_checks():
        return _unconfirmed_gave_up(share, error.message)
    delay = reconcile_next_delay(share.reconcile_checks)
    if isinstance(error, RateLimited):
        account_id = share.account.external_id if share.account else None
        until = quotas.block_from_error(share.network, account_id, error)
        delay = max(delay, (until - timezone.now()).total_seconds())
    share.next_attempt_at = timezone.now() + timedelta(seconds=delay)
    share.save(update_fields=["reconcile_checks", "next_attempt_at", "updated_at"])
    enqueue("reconcile_share", share.pk, countdown=delay)
    return "reconcile_later"


def reconcile_share(share_id: int, *, only_if_due: bool = False) -> str:
    """Find out whether an unconfirmed create call reached the network (``reconcile_share`` task).

    ``only_if_due`` (the task): do nothing before the next look's due time (``next_attempt_at``).
    """
    with transaction.atomic():
        share = lock_share(share_id)
        if share is None or share.state != ShareState.UNKNOWN_OUTCOME:
            return "skipped"
        if only_if_due and share.next_attempt_at and share.next_attempt_at > timezone.now():
            # A second copy of the message (redelivered, or sent by the sweep): the look it
            # would make is already scheduled, and an early one would count against the cap.
            return "not_due"
        account = share.account
        if account is None or not account.access_token_encrypted:
            share.error_message = _("Connect the account again to check this share.")
            share_transition(
                share, ShareState.NEEDS_RECONNECT, detail=_("The account is not connected.")
            )
            return "needs_reconnect"
        blocked = quotas.blocked_until(share.network, account.external_id)
        if blocked is not None:
            share.next_attempt_at = blocked
            share.save(update_fields=["next_attempt_at", "updated_at"])
            enqueue_at("reconcile_share", share.pk, blocked)
            return "blocked"
        connector = connector_for(share.network, account.kind)
        content = share_post_content(share)
        since = share.publishing_started_at or share.created_at
        ref = account_ref(account)
        share.reconcile_checks += 1
        can_look = connector.can_find_published(ref)
        if can_look:
            try:
                found = connector.find_published(ref, content, since=since)
            except ConnectorError as error:
                return handle_reconcile_error(share, error)
            if found is not None:
                mark_published(share, found, detail=_("Found on the network: the post went out."))
                return "published"
        now = timezone.now()
        window_end = since + reconcile_window()
        if now < window_end and share.reconcile_checks < reconcile_max_checks():
            # The network may still finish a late create: look again before sending anything.
            remaining = (window_end - now).total_seconds()
            delay = reconcile_next_delay(share.reconcile_checks)
            if delay >= remaining:
                delay = remaining + 0.1  # the next look is after the window
            share.next_attempt_at = now + timedelta(seconds=delay)
            share.save(update_fields=["reconcile_checks", "next_attempt_at", "updated_at"])
            when = timezone.localtime(now + timedelta(seconds=delay)).strftime("%H:%M:%S %Z")
            share_event_record(
                share,
                from_state=share.state,
                to_state=share.state,
                detail=(
                    _("Not on the network yet; looking again at %(when)s.")
                    if can_look
                    else _(
                        "The network does not let Chorus look for the post; waiting until "
                        "%(when)s for a late answer before sending again."
                    )
                )
                % {"when": when},
            )
            enqueue("reconcile_share", share.pk, countdown=delay)
            return "reconcile_later"
        share.error_code = ""
        share.next_attempt_at = None
        if share.attempts >= max_attempts():
            mark_failed(
                share,
                _("The network never confirmed the post; gave up after %(count)s attempts.")
                % {"count": share.attempts},
                code="unconfirmed_gave_up",
            )
            return "failed"
        retry_at = timezone.now() + timedelta(seconds=backoff_seconds(share.attempts))
        requeue(
            share,
            retry_at,
            detail=_("Not found on the network; trying again."),
            message="",
        )
        return "requeued"
