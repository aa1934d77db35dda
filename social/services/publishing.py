"""Publishing shares to the networks, exactly once.

No network takes an idempotency key, so a create call is never sent twice blindly:

1. ``publish_share`` locks the share (``select_for_update``), checks it is ``queued`` and due,
   and moves it to ``publishing`` with a fresh ``attempt_id`` and ``publishing_started_at``,
   **committed before** the network is called.
2. The connector publishes. Its answer is saved in a second transaction.
3. When the answer is lost (timeout, dropped connection, 504) the share becomes
   ``unknown_outcome`` and ``reconcile_share`` looks for the post among the account's recent
   posts (``connector.find_published(since=publishing_started_at)``), again and again with
   growing pauses, for ``SOCIAL_RECONCILE_WINDOW_SECONDS`` after the create call went out: a
   network may finish a create long after our timeout (LinkedIn was seen at 45 s). Found ->
   ``published``; still not found when the window has passed -> back to ``queued`` (sent again).
   Where the account's permissions do not allow looking (LinkedIn's author finder needs
   ``r_member_social``, which only approved partners get), reconciliation waits out the window
   and the re-send relies on the network's duplicate answer: a ``Duplicate`` that names the
   existing post, for a share whose earlier attempt got no answer, is proof of publication
   (the named post is stored, the share is ``published``). Checks are capped
   (``SOCIAL_RECONCILE_MAX_CHECKS``): a finder that keeps failing ends the share ``failed`` with
   ``error_code="unconfirmed"`` and the reason, which the member can retry (it checks again
   before sending).
4. A worker that crashed between the network's answer and our save leaves the share in
   ``publishing``; the periodic sweep (``publish_due_scheduled``) moves such stale shares to
   ``unknown_outcome`` and reconciles them the same way.

The parts: ``publish_queue`` (settings and the task queue), ``outcomes`` (what an answer
does to the share), ``reconcile`` (steps 3 and 4), and here the member's actions, the task
bodies ``publish_share`` / ``publish_poll_pending`` and the periodic sweep.

Rate limits and quotas set "blocked until" marks (``social.services.quotas``); work for a blocked account
is rescheduled to after the mark instead of failing. Every transition is a ``ShareEvent``.
"""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.dangerous import dangerously

from ..connectors.base import (
    ConnectorError,
    PublishResult,
    RateLimited,
    ReauthRequired,
    Rejected,
    Transient,
    UnknownOutcome,
)
from ..connectors.registry import connector_for
from ..models import RETRYABLE_STATES, NetworkAccount, Share, ShareEvent, ShareMethod, ShareState
from . import quotas
from .member_shares import share_refuse_if_member_inactive
from .outcomes import handle_publish_error, mark_published
from .posts import account_ref, share_post_content
from .publish_queue import (
    backoff_seconds,
    enqueue,
    enqueue_at,
    lock_share,
    poll_delay_seconds,
    relock_share,
    send_now,
    stale_after,
    stale_queued_after,
)
from .reconcile import handle_reconcile_error, share_transition_published_from_queued
from .transitions import share_event_record, share_transition

#: The columns phase one of ``publish_share`` sets besides the state (one UPDATE writes them).
_ATTEMPT_FIELDS = (
    "attempts",
    "reconcile_checks",
    "attempt_id",
    "publishing_started_at",
    "next_attempt_at",
    "error_code",
)

# ---- what the member sees the services do ------------------------------------------------------


def share_enqueue(share: Share) -> Share:
    """Queue ``share`` for publishing now (or leave it ``scheduled`` until its time comes).

    Enqueues ``publish_share`` when the transaction commits.
    """
    if share.method != ShareMethod.API:
        raise ValidationError({"method": [_("This network is shared through its own dialog.")]})
    now = timezone.now()
    if share.state == ShareState.SCHEDULED and share.scheduled_at and share.scheduled_at > now:
        return share
    if share.state != ShareState.QUEUED:
        share_transition(share, ShareState.QUEUED, detail=_("Queued for publishing."))
    enqueue("publish_share", share.pk)
    return share


def share_retry(share: Share) -> Share:
    """The member asks for another try of a failed share (or one whose account was reconnected)."""
    if share.state not in RETRYABLE_STATES:
        raise ValidationError({"state": [_("Only a failed share can be tried again.")]})
    with transaction.atomic():
        locked = Share.objects.select_for_update(of=("self",)).get(pk=share.pk)
        if locked.state not in RETRYABLE_STATES:
            raise ValidationError({"state": [_("Only a failed share can be tried again.")]})
        locked.attempts = 0
        locked.reconcile_checks = 0
        locked.next_attempt_at = None
        locked.error_message = ""
        if locked.error_code != "unconfirmed":
            locked.error_code = ""
        share_transition(locked, ShareState.QUEUED, detail=_("Tried again by the member."))
        enqueue("publish_share", locked.pk)
    share.refresh_from_db()
    return share


# ---- tasks' bodies ------------------------------------------------------------------------------


def publish_share(share_id: int) -> str:
    """Publish one queued share (the body of ``social.tasks.publish_share``)."""
    now = timezone.now()
    with transaction.atomic():
        share = lock_share(share_id)
        if share is None or share.state != ShareState.QUEUED:
            return "skipped"
        if share_refuse_if_member_inactive(share):
            return "member_inactive"
        if share.next_attempt_at and share.next_attempt_at > now:
            enqueue_at("publish_share", share.pk, share.next_attempt_at)
            return "not_due"
        if share.scheduled_at and share.scheduled_at > now:
            enqueue_at("publish_share", share.pk, share.scheduled_at)
            return "not_due"
        account = share.account
        if account is None or not account.is_usable:
            share.error_message = _("Connect the account again to publish this share.")
            share_transition(
                share,
                ShareState.NEEDS_RECONNECT,
                detail=_("The account is not connected."),
            )
            return "needs_reconnect"
        blocked = quotas.blocked_until(share.network, account.external_id)
        if blocked is not None:
            share.next_attempt_at = blocked
            share.save(update_fields=["next_attempt_at", "updated_at"])
            enqueue_at("publish_share", share.pk, blocked)
            return "blocked"
        content = share_post_content(share)
        connector = connector_for(share.network, account.kind)
        ref = account_ref(account)
        if share.error_code == "unconfirmed" and share.publishing_started_at:
            # An earlier try may have reached the network: look before sending again.
            found = None
            if connector.can_find_published(ref):
                try:
                    found = connector.find_published(
                        ref, content, since=share.publishing_started_at
                    )
                except ConnectorError as lookup_error:
                    return handle_reconcile_error(share, lookup_error, requeue=True)
            share.error_code = ""
            if found is not None:
                share_transition_published_from_queued(share, found)
                return "published"
        share.attempts += 1
        share.reconcile_checks = 0
        share.attempt_id = uuid.uuid4()
        share.publishing_started_at = now
        share.next_attempt_at = None
        share_transition(
            share,
            ShareState.PUBLISHING,
            detail=_("Sending to the network (attempt %(count)s).") % {"count": share.attempts},
            changed=_ATTEMPT_FIELDS,
        )
        attempt_id = share.attempt_id
    # Committed: from here on a crash leaves a "publishing" share for the sweep to reconcile.
    try:
        result: PublishResult | None = connector.publish(ref, content)
        error: ConnectorError | None = None
    except ConnectorError as exc:
        result, error = None, exc
    with transaction.atomic():
        # The share's row only, locked and read again (state, attempt id); its account, item
        # and membership are phase one's.
        share = relock_share(share)
        if share is None or share.attempt_id != attempt_id:
            return "superseded"
        if share.state not in (ShareState.PUBLISHING, ShareState.UNKNOWN_OUTCOME):
            return "superseded"
        if error is not None:
            if share.state == ShareState.UNKNOWN_OUTCOME:
                return "superseded"  # the sweep took over; reconciliation decides
            return handle_publish_error(share, error)
        assert result is not None
        if result.pending_id and not result.external_id:
            share.pending_container_id = result.pending_id
            share.save(update_fields=["pending_container_id", "updated_at"])
            share_event_record(
                share,
                from_state=share.state,
                to_state=share.state,
                detail=_("The network is processing the media."),
            )
            enqueue("publish_poll_pending", share.pk, countdown=poll_delay_seconds())
            return "pending"
        mark_published(share, result, detail=_("Published."), changed=())
        return "published"


def publish_poll_pending(share_id: int) -> str:
    """Finish an asynchronous publish (an Instagram container still processing)."""
    with transaction.atomic():
        share = lock_share(share_id)
        if share is None or share.state != ShareState.PUBLISHING or not share.pending_container_id:
            return "skipped"
        account = share.account
        if account is None or not account.is_usable:
            return handle_publish_error(share, ReauthRequired(_("The account is not connected.")))
        attempt_id = share.attempt_id
        ref = account_ref(account)
        pending_id = share.pending_container_id
        connector = connector_for(share.network, account.kind)
        # Mark the moment the create call (media_publish) may go out, for reconciliation.
        share.publishing_started_at = timezone.now()
        share.save(update_fields=["publishing_started_at", "updated_at"])
    try:
        result = connector.poll_pending(ref, pending_id)
        error: ConnectorError | None = None
    except ConnectorError as exc:
        result, error = None, exc
    with transaction.atomic():
        share = relock_share(share)
        if share is None or share.attempt_id != attempt_id or share.state != ShareState.PUBLISHING:
            return "superseded"
        if error is not None:
            if isinstance(error, Rejected) and error.code == "container_published":
                return handle_publish_error(share, UnknownOutcome(error.message, code="container"))
            if isinstance(error, Transient | RateLimited) and not isinstance(error, UnknownOutcome):
                # Still processing as far as we know: poll again later.
                if isinstance(error, RateLimited):
                    # The account was checked above; a share keeps its account while publishing.
                    external_id = cast(NetworkAccount, share.account).external_id
                    quotas.block_from_error(share.network, external_id, error)
                    delay = error.retry_after
                else:
                    delay = backoff_seconds(1)
                enqueue("publish_poll_pending", share.pk, countdown=delay)
                return "poll_later"
            share.pending_container_id = ""
            return handle_publish_error(share, error)
        if result is None:
            enqueue("publish_poll_pending", share.pk, countdown=poll_delay_seconds())
            return "processing"
        mark_published(share, result, detail=_("Published."), changed=())
        return "published"


@dangerously(
    "The publishing sweep (every minute) finds due scheduled, lost, stale and unconfirmed "
    "shares of every organization by id; each is then re-loaded and handled on its own."
)
def dangerously_api_shares() -> QuerySet[Share]:
    """Shares Chorus posts itself, in every organization; dialog shares are the member's own
    doing and never swept. Only ``publish_due_scheduled`` uses it, for ids."""
    return Share.objects.filter(method=ShareMethod.API)


def publish_due_scheduled(*, limit: int = 500) -> dict[str, int]:
    """Beat, every ``SOCIAL_PUBLISH_SWEEP_SECONDS``: queue due scheduled shares; recover work a
    crash or a lost message left, once the thresholds derived from the task limits have passed
    (``publish_queue.stale_after`` / ``stale_queued_after``)."""
    now = timezone.now()
    counts = {"queued": 0, "requeued": 0, "stale": 0, "polled": 0, "reconciled": 0}
    due = list(
        dangerously_api_shares()
        .filter(state=ShareState.SCHEDULED, scheduled_at__lte=now)
        .order_by("scheduled_at")
        .values_list("pk", flat=True)[:limit]
    )
    for share_id in due:
        with transaction.atomic():
            share = lock_share(share_id)
            if share is None or share.state != ShareState.SCHEDULED:
                continue
            share_transition(share, ShareState.QUEUED, detail=_("Scheduled time reached."))
            enqueue("publish_share", share.pk)
            counts["queued"] += 1
    # Queued shares whose message was lost (due, untouched for longer than Redis takes to
    # deliver it again): send the task again. publish_share is safe to run twice: the row lock
    # and the state check let only one through.
    quiet = now - stale_queued_after()
    lost = dangerously_api_shares().filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        state=ShareState.QUEUED,
        updated_at__lt=quiet,
    )
    for share_id in lost.values_list("pk", flat=True)[:limit]:
        transaction.on_commit(partial(send_now, "publish_share", share_id))
        counts["requeued"] += 1
    # Publishing shares abandoned by a dead worker: never re-send, reconcile.
    stale = list(
        dangerously_api_shares()
        .filter(
            state=ShareState.PUBLISHING,
            pending_container_id="",
            publishing_started_at__lt=now - stale_after(),
        )
        .values_list("pk", flat=True)[:limit]
    )
    for share_id in stale:
        with transaction.atomic():
            share = lock_share(share_id)
            if (
                share is None
                or share.state != ShareState.PUBLISHING
                or share.pending_container_id
                or share.publishing_started_at is None
                or share.publishing_started_at >= now - stale_after()
            ):
                continue
            share.error_code = "unconfirmed"
            share_transition(
                share,
                ShareState.UNKNOWN_OUTCOME,
                detail=_("The publishing attempt was interrupted; checking with the network."),
            )
            enqueue("reconcile_share", share.pk)
            counts["stale"] += 1
    # Containers still processing whose poll was lost.
    for share_id in (
        dangerously_api_shares()
        .filter(state=ShareState.PUBLISHING, updated_at__lt=quiet)
        .exclude(pending_container_id="")
        .values_list("pk", flat=True)[:limit]
    ):
        transaction.on_commit(partial(send_now, "publish_poll_pending", share_id))
        counts["polled"] += 1
    # Unconfirmed shares whose reconciliation message was lost (its next look is due).
    for share_id in (
        dangerously_api_shares()
        .filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
            state=ShareState.UNKNOWN_OUTCOME,
            updated_at__lt=quiet,
        )
        .values_list("pk", flat=True)[:limit]
    ):
        transaction.on_commit(partial(send_now, "reconcile_share", share_id))
        counts["reconciled"] += 1
    return counts


def share_events(share: Share) -> list[dict[str, Any]]:
    """The share's history, oldest first (for views and tests)."""
    return list(
        ShareEvent.objects.for_org(share.organization)
        .filter(share=share)
        .order_by("at", "pk")
        .values("at", "from_state", "to_state", "detail")
    )
