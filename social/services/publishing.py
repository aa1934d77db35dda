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

Rate limits and quotas set "blocked until" marks (``social.services.quotas``); work for a blocked account
is rescheduled to after the mark instead of failing. Every transition is a ``ShareEvent``.
"""

from __future__ import annotations

import logging
import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from content_library.services.share_marks import item_share_mark_record

from ..connectors.base import (
    ConnectorError,
    Duplicate,
    PublishResult,
    RateLimited,
    ReauthRequired,
    Rejected,
    Transient,
    UnknownOutcome,
)
from ..connectors.registry import connector_for
from ..models import (
    RETRYABLE_STATES,
    AccountStatus,
    NetworkAccount,
    Share,
    ShareEvent,
    ShareMethod,
    ShareState,
)
from . import quotas
from .member_shares import share_refuse_if_member_inactive
from .posts import account_ref, share_post_content
from .transitions import share_event_record, share_transition

log = logging.getLogger(__name__)


# ---- configuration (settings, with defaults) -----------------------------------------------


def max_attempts() -> int:
    return int(getattr(settings, "SOCIAL_PUBLISH_MAX_ATTEMPTS", 6))


def backoff_base_seconds() -> float:
    return float(getattr(settings, "SOCIAL_PUBLISH_BACKOFF_SECONDS", 30))


def backoff_max_seconds() -> float:
    return float(getattr(settings, "SOCIAL_PUBLISH_BACKOFF_MAX_SECONDS", 3600))


def stale_after() -> timedelta:
    """A share ``publishing`` for longer than a task may live was abandoned by a dead worker."""
    limit = int(getattr(settings, "CELERY_TASK_TIME_LIMIT", 300))
    return timedelta(seconds=int(getattr(settings, "SOCIAL_PUBLISH_STALE_SECONDS", limit + 60)))


def reconcile_delay_seconds() -> float:
    return float(getattr(settings, "SOCIAL_RECONCILE_DELAY_SECONDS", 20))


def reconcile_window() -> timedelta:
    """How long after a create call went out Chorus looks for its post before sending again."""
    return timedelta(seconds=float(getattr(settings, "SOCIAL_RECONCILE_WINDOW_SECONDS", 180)))


def reconcile_max_checks() -> int:
    return int(getattr(settings, "SOCIAL_RECONCILE_MAX_CHECKS", 8))


def reconcile_next_delay(checks: int) -> float:
    """The pause after the ``checks``-th check: the first delay, doubled each time, capped."""
    return min(reconcile_delay_seconds() * (2 ** max(checks, 0)), backoff_max_seconds())


def poll_delay_seconds() -> float:
    return float(getattr(settings, "SOCIAL_INSTAGRAM_POLL_SECONDS", 10))


def backoff_seconds(attempt: int) -> float:
    """Exponential backoff with +-25 % jitter: base, 2 x base, 4 x base, ... capped."""
    delay = min(backoff_base_seconds() * (2 ** max(attempt - 1, 0)), backoff_max_seconds())
    return delay * random.uniform(0.75, 1.25)


def _enqueue(task_name: str, share_id: int, *, countdown: float = 0) -> None:
    """Send a publishing task once the surrounding transaction commits."""

    def send() -> None:
        from ..tasks import publishing as tasks_publishing

        task = getattr(tasks_publishing, task_name)
        if countdown > 0:
            task.apply_async((share_id,), countdown=countdown)
        else:
            task.delay(share_id)

    transaction.on_commit(send)


def _enqueue_at(task_name: str, share_id: int, when: datetime) -> None:
    _enqueue(task_name, share_id, countdown=max(0.0, (when - timezone.now()).total_seconds()))


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
    _enqueue("publish_share", share.pk)
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
        _enqueue("publish_share", locked.pk)
    share.refresh_from_db()
    return share


def _load(share_id: int) -> Share | None:
    return (
        Share.objects.select_for_update(of=("self",))
        .select_related("organization", "account", "item", "membership__user")
        .filter(pk=share_id)
        .first()
    )


# ---- outcomes -----------------------------------------------------------------------------------


def _mark_published(share: Share, result: PublishResult, *, detail: str) -> None:
    now = timezone.now()
    share.external_id = result.external_id
    share.permalink = result.permalink[:1000]
    share.pending_container_id = ""
    share.published_at = now
    share.next_metrics_at = now
    share.next_attempt_at = None
    share.error_code = ""
    share.error_message = ""
    share_transition(share, ShareState.PUBLISHED, detail=detail)
    item_share_mark_record(
        item=share.item, membership=share.membership, network=share.network, at=now
    )


def _needs_reconnect(share: Share, error: ConnectorError) -> None:
    share.error_code = share.error_code if share.error_code == "unconfirmed" else error.code[:64]
    share.error_message = error.message
    share.next_attempt_at = None
    share_transition(
        share,
        ShareState.NEEDS_RECONNECT,
        detail=_("The network asks you to reconnect your account."),
    )
    account = share.account
    if account is None:
        return
    account = NetworkAccount.objects.select_for_update().get(pk=account.pk)
    if account.status == AccountStatus.NEEDS_RECONNECT:
        return  # already told the member
    account.status = AccountStatus.NEEDS_RECONNECT
    account.status_reason = error.message[:300]
    account.save(update_fields=["status", "status_reason", "updated_at"])
    share.account = account
    transaction.on_commit(lambda: _notify_reconnect(share))


def _notify_reconnect(share: Share) -> None:
    user = share.membership.user
    if not user.email:
        return
    language = getattr(user, "language", "") or share.organization.default_language
    network = share.get_network_display()
    with translation.override(language):
        subject = _("Reconnect your %(network)s account") % {"network": network}
        body = _(
            "Hello,\n\n%(network)s stopped accepting posts from Chorus for your account "
            "(%(reason)s), so your share of “%(title)s” in %(organization)s is waiting.\n\n"
            "Sign in to Chorus, reconnect %(network)s, and try the share again:\n%(url)s\n"
        ) % {
            "network": network,
            "reason": share.error_message or _("the connection was revoked or expired"),
            "title": share.item.title,
            "organization": share.organization.name,
            "url": f"{settings.SITE_URL.rstrip('/')}/o/{share.organization.slug}/",
        }
    try:
        send_mail(subject, body, None, [user.email])
    except Exception:  # the share's state is saved; a mail server hiccup must not undo it
        log.exception("could not e-mail member %s about reconnecting %s", user.pk, network)


def _failed(share: Share, message: str, *, code: str, detail: str = "") -> None:
    share.error_code = code[:64]
    share.error_message = message
    share.next_attempt_at = None
    share_transition(share, ShareState.FAILED, detail=detail or message)


def _requeue(
    share: Share, when: datetime, *, detail: str, code: str = "", message: str = ""
) -> None:
    share.next_attempt_at = when
    if code:
        share.error_code = code[:64]
    share.error_message = message
    share_transition(share, ShareState.QUEUED, detail=detail)
    _enqueue_at("publish_share", share.pk, when)


def _handle_error(share: Share, error: ConnectorError) -> str:
    """Apply a connector error to a share in ``publishing`` (or ``unknown_outcome``)."""
    now = timezone.now()
    if isinstance(error, UnknownOutcome):
        share.error_code = "unconfirmed"
        share.error_message = error.message
        share_transition(
            share,
            ShareState.UNKNOWN_OUTCOME,
            detail=_("No answer from the network; checking whether the post went out."),
        )
        _enqueue("reconcile_share", share.pk, countdown=reconcile_delay_seconds())
        return "unknown_outcome"
    if isinstance(error, RateLimited):
        account_id = share.account.external_id if share.account else None
        until = quotas.block_from_error(share.network, account_id, error)
        share.attempts = max(share.attempts - 1, 0)  # a throttled try does not count
        jitter = timedelta(seconds=random.uniform(0, min(30.0, error.retry_after / 4 + 1)))
        _requeue(
            share,
            until + jitter,
            detail=_("The network asked us to wait; trying again at %(when)s.")
            % {"when": timezone.localtime(until).strftime("%Y-%m-%d %H:%M %Z")},
            code=error.code or "rate_limited",
            message=error.message,
        )
        return "rate_limited"
    if isinstance(error, ReauthRequired):
        _needs_reconnect(share, error)
        return "needs_reconnect"
    if isinstance(error, Duplicate):
        if _duplicate_proves_publication(share, error):
            _mark_published(
                share,
                PublishResult(external_id=error.existing_id, permalink=error.permalink),
                detail=_(
                    "The network says this post already exists (%(post)s): the earlier "
                    "attempt, which got no answer, published it."
                )
                % {"post": error.existing_id},
            )
            return "published"
        _failed(
            share,
            error.message,
            code="duplicate",
            detail=_("The network says this post already exists: %(message)s")
            % {"message": error.message},
        )
        return "failed"
    if isinstance(error, Rejected):
        _failed(
            share,
            error.message,
            code=error.code or "rejected",
            detail=_("The network refused the post: %(message)s") % {"message": error.message},
        )
        return "failed"
    # Transient (and any other connector error): back off, up to the cap.
    if share.attempts >= max_attempts():
        _failed(
            share,
            _("The network kept failing (%(message)s); gave up after %(count)s attempts.")
            % {"message": error.message, "count": share.attempts},
            code=error.code or "transient",
        )
        return "failed"
    when = now + timedelta(seconds=backoff_seconds(share.attempts))
    _requeue(
        share,
        when,
        detail=_("Temporary problem at the network (%(message)s); trying again.")
        % {"message": error.message},
        code=error.code or "transient",
        message=error.message,
    )
    return "retry"


def _duplicate_proves_publication(share: Share, error: Duplicate) -> bool:
    """A duplicate answer naming a post proves *this* share's earlier attempt published it when
    an earlier attempt got no answer and the named post is no other share's."""
    if not error.existing_id:
        return False
    unanswered = (
        ShareEvent.objects.for_org(share.organization)
        .filter(share=share, to_state=ShareState.UNKNOWN_OUTCOME)
        .exists()
    )
    if not unanswered:
        return False
    return not (
        Share.objects.for_org(share.organization)
        .filter(network=share.network, external_id=error.existing_id)
        .exclude(pk=share.pk)
        .exists()
    )


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


# ---- tasks' bodies ------------------------------------------------------------------------------


def publish_share(share_id: int) -> str:
    """Publish one queued share (the body of ``social.tasks.publish_share``)."""
    now = timezone.now()
    with transaction.atomic():
        share = _load(share_id)
        if share is None or share.state != ShareState.QUEUED:
            return "skipped"
        if share_refuse_if_member_inactive(share):
            return "member_inactive"
        if share.next_attempt_at and share.next_attempt_at > now:
            _enqueue_at("publish_share", share.pk, share.next_attempt_at)
            return "not_due"
        if share.scheduled_at and share.scheduled_at > now:
            _enqueue_at("publish_share", share.pk, share.scheduled_at)
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
            _enqueue_at("publish_share", share.pk, blocked)
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
                except ConnectorError as error:
                    return _handle_reconcile_error(share, error, requeue=True)
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
        )
        attempt_id = share.attempt_id
    # Committed: from here on a crash leaves a "publishing" share for the sweep to reconcile.
    try:
        result: PublishResult | None = connector.publish(ref, content)
        error: ConnectorError | None = None
    except ConnectorError as exc:
        result, error = None, exc
    with transaction.atomic():
        share = _load(share_id)
        if share is None or share.attempt_id != attempt_id:
            return "superseded"
        if share.state not in (ShareState.PUBLISHING, ShareState.UNKNOWN_OUTCOME):
            return "superseded"
        if error is not None:
            if share.state == ShareState.UNKNOWN_OUTCOME:
                return "superseded"  # the sweep took over; reconciliation decides
            return _handle_error(share, error)
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
            _enqueue("publish_poll_pending", share.pk, countdown=poll_delay_seconds())
            return "pending"
        _mark_published(share, result, detail=_("Published."))
        return "published"


def share_transition_published_from_queued(share: Share, found: PublishResult) -> None:
    """A queued share whose earlier, unconfirmed try turns out to have been published."""
    share_transition(share, ShareState.PUBLISHING, detail=_("Checking an earlier attempt."))
    _mark_published(share, found, detail=_("Found on the network: the earlier attempt worked."))


def _handle_reconcile_error(share: Share, error: ConnectorError, *, requeue: bool = False) -> str:
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
                transaction.on_commit(lambda: _notify_reconnect(share))
            return "needs_reconnect"
        _needs_reconnect(share, error)
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
    share.save(update_fields=["reconcile_checks", "updated_at"])
    _enqueue("reconcile_share", share.pk, countdown=delay)
    return "reconcile_later"


def reconcile_share(share_id: int) -> str:
    """Find out whether an unconfirmed create call reached the network (``reconcile_share`` task)."""
    with transaction.atomic():
        share = _load(share_id)
        if share is None or share.state != ShareState.UNKNOWN_OUTCOME:
            return "skipped"
        account = share.account
        if account is None or not account.access_token_encrypted:
            share.error_message = _("Connect the account again to check this share.")
            share_transition(
                share, ShareState.NEEDS_RECONNECT, detail=_("The account is not connected.")
            )
            return "needs_reconnect"
        blocked = quotas.blocked_until(share.network, account.external_id)
        if blocked is not None:
            _enqueue_at("reconcile_share", share.pk, blocked)
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
                return _handle_reconcile_error(share, error)
            if found is not None:
                _mark_published(share, found, detail=_("Found on the network: the post went out."))
                return "published"
        now = timezone.now()
        window_end = since + reconcile_window()
        if now < window_end and share.reconcile_checks < reconcile_max_checks():
            # The network may still finish a late create: look again before sending anything.
            remaining = (window_end - now).total_seconds()
            delay = reconcile_next_delay(share.reconcile_checks)
            if delay >= remaining:
                delay = remaining + 0.1  # the next look is after the window
            share.save(update_fields=["reconcile_checks", "updated_at"])
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
            _enqueue("reconcile_share", share.pk, countdown=delay)
            return "reconcile_later"
        share.error_code = ""
        if share.attempts >= max_attempts():
            _failed(
                share,
                _("The network never confirmed the post; gave up after %(count)s attempts.")
                % {"count": share.attempts},
                code="unconfirmed_gave_up",
            )
            return "failed"
        when = timezone.now() + timedelta(seconds=backoff_seconds(share.attempts))
        _requeue(
            share,
            when,
            detail=_("Not found on the network; trying again."),
            message="",
        )
        return "requeued"


def publish_poll_pending(share_id: int) -> str:
    """Finish an asynchronous publish (an Instagram container still processing)."""
    with transaction.atomic():
        share = _load(share_id)
        if share is None or share.state != ShareState.PUBLISHING or not share.pending_container_id:
            return "skipped"
        account = share.account
        if account is None or not account.is_usable:
            return _handle_error(share, ReauthRequired(_("The account is not connected.")))
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
        share = _load(share_id)
        if share is None or share.attempt_id != attempt_id or share.state != ShareState.PUBLISHING:
            return "superseded"
        if error is not None:
            if isinstance(error, Rejected) and error.code == "container_published":
                return _handle_error(share, UnknownOutcome(error.message, code="container"))
            if isinstance(error, Transient | RateLimited) and not isinstance(error, UnknownOutcome):
                # Still processing as far as we know: poll again later.
                if isinstance(error, RateLimited):
                    quotas.block_from_error(share.network, share.account.external_id, error)
                    delay = error.retry_after
                else:
                    delay = backoff_seconds(1)
                _enqueue("publish_poll_pending", share.pk, countdown=delay)
                return "poll_later"
            share.pending_container_id = ""
            return _handle_error(share, error)
        if result is None:
            _enqueue("publish_poll_pending", share.pk, countdown=poll_delay_seconds())
            return "processing"
        _mark_published(share, result, detail=_("Published."))
        return "published"


def _api_shares() -> QuerySet[Share]:
    """Shares Chorus posts itself; dialog shares are the member's own doing and never swept."""
    return Share.objects.filter(method=ShareMethod.API)


def publish_due_scheduled(*, limit: int = 500) -> dict[str, int]:
    """Beat, every minute: queue due scheduled shares; recover work a crash or lost message left."""
    now = timezone.now()
    counts = {"queued": 0, "requeued": 0, "stale": 0, "polled": 0, "reconciled": 0}
    due = list(
        _api_shares()
        .filter(state=ShareState.SCHEDULED, scheduled_at__lte=now)
        .order_by("scheduled_at")
        .values_list("pk", flat=True)[:limit]
    )
    for share_id in due:
        with transaction.atomic():
            share = _load(share_id)
            if share is None or share.state != ShareState.SCHEDULED:
                continue
            share_transition(share, ShareState.QUEUED, detail=_("Scheduled time reached."))
            _enqueue("publish_share", share.pk)
            counts["queued"] += 1
    # Queued shares whose message was lost (due, untouched for a while): send the task again.
    # publish_share is safe to run twice: the row lock and the state check let only one through.
    quiet = now - timedelta(minutes=5)
    lost = (
        _api_shares()
        .filter(state=ShareState.QUEUED, updated_at__lt=quiet)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    )
    for share_id in lost.values_list("pk", flat=True)[:limit]:
        transaction.on_commit(lambda pk=share_id: _send_now("publish_share", pk))
        counts["requeued"] += 1
    # Publishing shares abandoned by a dead worker: never re-send, reconcile.
    stale = list(
        _api_shares()
        .filter(
            state=ShareState.PUBLISHING,
            pending_container_id="",
            publishing_started_at__lt=now - stale_after(),
        )
        .values_list("pk", flat=True)[:limit]
    )
    for share_id in stale:
        with transaction.atomic():
            share = _load(share_id)
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
            _enqueue("reconcile_share", share.pk)
            counts["stale"] += 1
    # Containers still processing whose poll was lost.
    for share_id in (
        _api_shares()
        .filter(state=ShareState.PUBLISHING, updated_at__lt=quiet)
        .exclude(pending_container_id="")
        .values_list("pk", flat=True)[:limit]
    ):
        transaction.on_commit(lambda pk=share_id: _send_now("publish_poll_pending", pk))
        counts["polled"] += 1
    # Unconfirmed shares whose reconciliation message was lost.
    for share_id in (
        _api_shares()
        .filter(state=ShareState.UNKNOWN_OUTCOME, updated_at__lt=now - timedelta(minutes=10))
        .values_list("pk", flat=True)[:limit]
    ):
        transaction.on_commit(lambda pk=share_id: _send_now("reconcile_share", pk))
        counts["reconciled"] += 1
    return counts


def _send_now(task_name: str, share_id: int) -> None:
    from ..tasks import publishing as tasks_publishing

    getattr(tasks_publishing, task_name).delay(share_id)


def share_events(share: Share) -> list[dict[str, Any]]:
    """The share's history, oldest first (for views and tests)."""
    return list(
        ShareEvent.objects.for_org(share.organization)
        .filter(share=share)
        .order_by("at", "pk")
        .values("at", "from_state", "to_state", "detail")
    )
