"""What a network's answer does to a share being published: published (and the item's
share mark), failed, queued again with backoff, waiting for a reconnect (the member is
e-mailed), or unconfirmed (reconciliation takes over, ``social.services.reconcile``)."""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
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
    UnknownOutcome,
)
from ..models import AccountStatus, NetworkAccount, Share, ShareEvent, ShareState
from . import quotas
from .publish_queue import (
    backoff_seconds,
    enqueue,
    enqueue_at,
    max_attempts,
    reconcile_delay_seconds,
)
from .transitions import share_transition

log = logging.getLogger(__name__)


#: The columns ``mark_published`` sets besides the state (one UPDATE writes them).
_PUBLISHED_FIELDS = (
    "external_id",
    "permalink",
    "pending_container_id",
    "published_at",
    "next_metrics_at",
    "next_attempt_at",
    "error_code",
    "error_message",
)


def mark_published(
    share: Share, result: PublishResult, *, detail: str, changed: Iterable[str] | None = None
) -> None:
    """``share`` is published as ``result``. ``changed``: the columns the caller itself set on
    ``share`` before (``()`` for none); given, the UPDATE writes only those and the ones set
    here, otherwise the whole row."""
    now = timezone.now()
    share.external_id = result.external_id
    share.permalink = result.permalink[:1000]
    share.pending_container_id = ""
    share.published_at = now
    share.next_metrics_at = now
    share.next_attempt_at = None
    share.error_code = ""
    share.error_message = ""
    share_transition(
        share,
        ShareState.PUBLISHED,
        detail=detail,
        changed=None if changed is None else (*_PUBLISHED_FIELDS, *changed),
    )
    item_share_mark_record(
        item=share.item, membership=share.membership, network=share.network, at=now
    )


def needs_reconnect(share: Share, error: ConnectorError) -> None:
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
    transaction.on_commit(lambda: notify_reconnect(share))


def notify_reconnect(share: Share) -> None:
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


def mark_failed(share: Share, message: str, *, code: str, detail: str = "") -> None:
    share.error_code = code[:64]
    share.error_message = message
    share.next_attempt_at = None
    share_transition(share, ShareState.FAILED, detail=detail or message)


def requeue(
    share: Share, when: datetime, *, detail: str, code: str = "", message: str = ""
) -> None:
    share.next_attempt_at = when
    if code:
        share.error_code = code[:64]
    share.error_message = message
    share_transition(share, ShareState.QUEUED, detail=detail)
    enqueue_at("publish_share", share.pk, when)


def handle_publish_error(share: Share, error: ConnectorError) -> str:
    """Apply a connector error to a share in ``publishing`` (or ``unknown_outcome``)."""
    now = timezone.now()
    if isinstance(error, UnknownOutcome):
        share.error_code = "unconfirmed"
        share.error_message = error.message
        # The next look's due time is kept on the row: the sweep sends it if its message is lost.
        share.next_attempt_at = now + timedelta(seconds=reconcile_delay_seconds())
        share_transition(
            share,
            ShareState.UNKNOWN_OUTCOME,
            detail=_("No answer from the network; checking whether the post went out."),
        )
        enqueue("reconcile_share", share.pk, countdown=reconcile_delay_seconds())
        return "unknown_outcome"
    if isinstance(error, RateLimited):
        account_id = share.account.external_id if share.account else None
        until = quotas.block_from_error(share.network, account_id, error)
        share.attempts = max(share.attempts - 1, 0)  # a throttled try does not count
        jitter = timedelta(seconds=random.uniform(0, min(30.0, error.retry_after / 4 + 1)))
        requeue(
            share,
            until + jitter,
            detail=_("The network asked us to wait; trying again at %(when)s.")
            % {"when": timezone.localtime(until).strftime("%Y-%m-%d %H:%M %Z")},
            code=error.code or "rate_limited",
            message=error.message,
        )
        return "rate_limited"
    if isinstance(error, ReauthRequired):
        needs_reconnect(share, error)
        return "needs_reconnect"
    if isinstance(error, Duplicate):
        if _duplicate_proves_publication(share, error):
            mark_published(
                share,
                PublishResult(external_id=error.existing_id, permalink=error.permalink),
                detail=_(
                    "The network says this post already exists (%(post)s): the earlier "
                    "attempt, which got no answer, published it."
                )
                % {"post": error.existing_id},
            )
            return "published"
        mark_failed(
            share,
            error.message,
            code="duplicate",
            detail=_("The network says this post already exists: %(message)s")
            % {"message": error.message},
        )
        return "failed"
    if isinstance(error, Rejected):
        mark_failed(
            share,
            error.message,
            code=error.code or "rejected",
            detail=_("The network refused the post: %(message)s") % {"message": error.message},
        )
        return "failed"
    # Transient (and any other connector error): back off, up to the cap.
    if share.attempts >= max_attempts():
        mark_failed(
            share,
            _("The network kept failing (%(message)s); gave up after %(count)s attempts.")
            % {"message": error.message, "count": share.attempts},
            code=error.code or "transient",
        )
        return "failed"
    when = now + timedelta(seconds=backoff_seconds(share.attempts))
    requeue(
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
