"""Company-page amplification: connecting the organization's pages and re-sharing employees'
best posts from them, exactly once.

**Connecting** (``company_page_connect`` / ``company_page_disconnect``, admins with
``MANAGE_NETWORKS``): an admin of the LinkedIn page or the Facebook page runs the network's
OAuth (the views, ``campaigns.views.amplification``, keep the state with allauth's state kit);
the page's token is stored encrypted on ``social.OrganizationAccount``. Disconnecting wipes it.
Both are audit-logged.

**Amplifying** (``amplification_create``, managers with ``MANAGE_CAMPAIGNS``): one
``Amplification`` per share and page (a unique constraint: two managers at once make one),
queued and published by ``campaigns.tasks.amplification.publish_amplification``.

**Exactly once.** No network takes an idempotency key, so the task follows the member shares'
rules (``social.services.publishing``):

1. ``amplification_publish`` locks the row, checks it is ``queued`` and due, and moves it to
   ``publishing`` with a fresh ``attempt_id``, **committed before** the network is called. A
   redelivered or retried task finds it ``publishing`` (or further) and does nothing.
2. The answer is saved only by the attempt whose ``attempt_id`` the row still carries.
3. A lost answer (timeout, dropped connection, 504) keeps the row ``publishing`` with
   ``error_code="unconfirmed"``; ``amplification_reconcile`` looks for the post on the page
   (LinkedIn ``GET /rest/posts?q=author`` with ``r_organization_social``; Facebook the page
   feed) with doubling pauses for ``SOCIAL_RECONCILE_WINDOW_SECONDS``; found -> published, not
   found once the window has passed -> queued again (the next try looks once more first).
4. A worker that died inside the call leaves a stale ``publishing`` row: the sweep
   (``amplifications_sweep``) marks it unconfirmed and reconciles it, never re-sending blindly.

Rate limits and 5xx are retried with backoff (the "blocked until" marks of
``social.services.quotas``); an expired or revoked token -> ``needs_reconnect`` and the admin
who connected the page is e-mailed; a refusal fails with the network's message.
"""

from __future__ import annotations

import logging
import random
import uuid
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from advocacy.dangerous import dangerously
from advocacy.models import Membership
from advocacy.networks import Network
from advocacy.permissions import Capability, capability_require
from advocacy.services import audit_log_record
from social.connectors.base import (
    AccountRef,
    ConnectorError,
    Duplicate,
    PublishResult,
    RateLimited,
    ReauthRequired,
    Rejected,
    UnknownOutcome,
)
from social.connectors.company_pages import Page, company_pages_for
from social.models import (
    AccountStatus,
    OrganizationAccount,
    OrganizationAccountKind,
    Share,
    ShareMethod,
    ShareState,
)
from social.selectors.shares import share_tracked_link
from social.services import quotas
from social.services.links import tracked_link_url
from social.services.publish_queue import (
    backoff_seconds,
    max_attempts,
    reconcile_delay_seconds,
    reconcile_max_checks,
    reconcile_next_delay,
    reconcile_window,
    stale_after,
    stale_queued_after,
)

from ..models import Amplification, AmplificationState

log = logging.getLogger(__name__)

#: The company-page kinds this feature connects, and their network.
PAGE_KINDS: dict[str, str] = {
    OrganizationAccountKind.LINKEDIN_PAGE: Network.LINKEDIN,
    OrganizationAccountKind.FACEBOOK_PAGE: Network.FACEBOOK,
}
#: LinkedIn's commentary limit (Facebook's is far larger).
COMMENT_MAX_LENGTH = 3000
RETRYABLE = frozenset({AmplificationState.FAILED, AmplificationState.NEEDS_RECONNECT})


# ---- connecting the pages ------------------------------------------------------------------


def company_pages_fetch(*, kind: str, code: str, redirect_uri: str) -> tuple[list[Page], object]:
    """The pages the admin who authorised may post as, and the token set (network calls)."""
    connector = company_pages_for(PAGE_KINDS[kind])
    tokens = connector.exchange_code(code=code, redirect_uri=redirect_uri)
    return connector.administered_pages(tokens.access_token), tokens


def company_page_connect(
    *,
    actor: Membership,
    kind: str,
    page: Page,
    scopes: tuple[str, ...] | list[str] = (),
    expires_at: datetime | None = None,
) -> OrganizationAccount:
    """Connect (or reconnect) the organization's page ``page`` with its token (encrypted)."""
    capability_require(actor, Capability.MANAGE_NETWORKS)
    if kind not in PAGE_KINDS:
        raise ValidationError({"kind": [_("This kind of page cannot be connected here.")]})
    if not page.external_id or not page.access_token:
        raise ValidationError(_("The network did not say which page this is."))
    organization = actor.organization
    now = timezone.now()
    with transaction.atomic():
        account, _created = OrganizationAccount.objects.select_for_update().get_or_create(
            organization=organization,
            kind=kind,
            external_id=page.external_id,
            defaults={"network": PAGE_KINDS[kind]},
        )
        account.network = PAGE_KINDS[kind]
        account.display_name = page.display_name[:200]
        account.profile_url = page.profile_url[:500]
        account.set_token(access_token=page.access_token, expires_at=expires_at)
        account.scopes = sorted(set(scopes))
        account.status = AccountStatus.CONNECTED
        account.status_reason = ""
        account.connected_by = actor
        account.connected_at = now
        account.save()
        audit_log_record(
            organization=organization,
            actor=actor.user,
            action="company_page.connected",
            target=account,
            data={"kind": kind, "name": account.display_name, "external_id": page.external_id},
        )
    return account


def company_page_disconnect(
    *, actor: Membership, account: OrganizationAccount
) -> OrganizationAccount:
    """Wipe the page's token; its amplifications keep their history."""
    capability_require(actor, Capability.MANAGE_NETWORKS, organization=account.organization_id)
    with transaction.atomic():
        account = OrganizationAccount.objects.select_for_update().get(
            pk=account.pk, organization=actor.organization
        )
        account.wipe_tokens()
        account.status = AccountStatus.DISCONNECTED
        account.status_reason = ""
        account.save()
        audit_log_record(
            organization=actor.organization,
            actor=actor.user,
            action="company_page.disconnected",
            target=account,
            data={"kind": account.kind, "name": account.display_name},
        )
    return account


# ---- amplifying -------------------------------------------------------------------------------


def _check_amplifiable(share: Share, account: OrganizationAccount) -> None:
    if share.state != ShareState.PUBLISHED or share.method != ShareMethod.API:
        raise ValidationError({"share": [_("Only a post Chorus published can be amplified.")]})
    if not share.external_id:
        raise ValidationError({"share": [_("The network did not give this post an id.")]})
    if account.kind not in PAGE_KINDS:
        raise ValidationError({"account": [_("Choose a LinkedIn or Facebook company page.")]})
    if not account.is_usable:
        raise ValidationError({"account": [_("Connect this page again first.")]})
    if share.network != account.network:
        raise ValidationError(
            {"account": [_("The post and the page must be on the same network.")]}
        )
    if account.network == Network.FACEBOOK and share_tracked_link(share) is None:
        raise ValidationError({"share": [_("This post has no link to share on the page.")]})


def amplification_create(
    *, actor: Membership, share: Share, account: OrganizationAccount, comment: str
) -> Amplification:
    """Re-share ``share`` from the company page ``account`` with ``comment`` (queued now)."""
    capability_require(actor, Capability.MANAGE_CAMPAIGNS, organization=share.organization_id)
    organization = actor.organization
    if account.organization_id != organization.pk:
        raise ValidationError({"account": [_("Choose one of this organization's pages.")]})
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "comment": [
                    _("Keep the comment within %(count)s characters.")
                    % {"count": COMMENT_MAX_LENGTH}
                ]
            }
        )
    _check_amplifiable(share, account)
    already = _("The company page has already re-shared this post.")
    if Amplification.objects.for_org(organization).filter(share=share, account=account).exists():
        raise ValidationError({"share": [already]})
    try:
        with transaction.atomic():
            amplification = Amplification.objects.create(
                organization=organization,
                share=share,
                account=account,
                network=account.network,
                comment=comment,
                created_by=actor,
            )
            audit_log_record(
                organization=organization,
                actor=actor.user,
                action="amplification.created",
                target=amplification,
                data={"share": share.pk, "page": account.display_name, "network": account.network},
            )
            _enqueue("publish_amplification", amplification.pk)
    except IntegrityError as exc:  # a concurrent manager made it first
        raise ValidationError({"share": [already]}) from exc
    return amplification


def amplification_retry(*, actor: Membership, amplification: Amplification) -> Amplification:
    """Queue a failed (or reconnect-waiting) amplification again."""
    capability_require(
        actor, Capability.MANAGE_CAMPAIGNS, organization=amplification.organization_id
    )
    with transaction.atomic():
        locked = _lock(amplification.pk)
        if locked is None or locked.state not in RETRYABLE:
            raise ValidationError({"state": [_("Only a failed amplification can be tried again.")]})
        locked.state = AmplificationState.QUEUED
        locked.attempts = 0
        locked.reconcile_checks = 0
        locked.next_attempt_at = None
        locked.error_message = ""
        if locked.error_code != "unconfirmed":
            locked.error_code = ""
        locked.save()
        _enqueue("publish_amplification", locked.pk)
    return locked


# ---- the task bodies ------------------------------------------------------------------------


def _enqueue(task_name: str, amplification_id: int, *, countdown: float = 0) -> None:
    def send() -> None:
        from ..tasks import amplification as tasks

        task = getattr(tasks, task_name)
        if countdown > 0:
            task.apply_async((amplification_id,), countdown=countdown)
        else:
            task.delay(amplification_id)

    transaction.on_commit(send)


def _enqueue_at(task_name: str, amplification_id: int, when: datetime) -> None:
    _enqueue(
        task_name, amplification_id, countdown=max(0.0, (when - timezone.now()).total_seconds())
    )


def _lock(amplification_id: int) -> Amplification | None:
    found = list(
        Amplification.objects.select_for_update(of=("self",))
        .select_related("account", "share", "share__link", "organization")
        .filter(pk=amplification_id)
    )
    return found[0] if found else None


def _ref(account: OrganizationAccount) -> AccountRef:
    return AccountRef(
        external_id=account.external_id,
        access_token=account.access_token,
        extra=dict(account.extra or {}),
        scopes=tuple(account.scopes or ()),
    )


def _call(amplification: Amplification, ref: AccountRef) -> PublishResult:
    share = amplification.share
    if amplification.network == Network.LINKEDIN:
        return company_pages_for(Network.LINKEDIN).reshare(  # type: ignore[union-attr]
            ref, parent=share.external_id, comment=amplification.comment
        )
    link = share_tracked_link(share)
    return company_pages_for(Network.FACEBOOK).share_link(  # type: ignore[union-attr]
        ref, link=tracked_link_url(link), comment=amplification.comment
    )


def _find(amplification: Amplification, ref: AccountRef, since: datetime) -> PublishResult | None:
    share = amplification.share
    if amplification.network == Network.LINKEDIN:
        return company_pages_for(Network.LINKEDIN).find_reshare(  # type: ignore[union-attr]
            ref, parent=share.external_id, comment=amplification.comment, since=since
        )
    link = share_tracked_link(share)
    return company_pages_for(Network.FACEBOOK).find_share(  # type: ignore[union-attr]
        ref, link=tracked_link_url(link), comment=amplification.comment, since=since
    )


def _published(amplification: Amplification, result: PublishResult) -> str:
    amplification.state = AmplificationState.PUBLISHED
    amplification.external_id = result.external_id[:200]
    amplification.permalink = result.permalink[:1000]
    amplification.published_at = timezone.now()
    amplification.next_attempt_at = None
    amplification.error_code = ""
    amplification.error_message = ""
    amplification.save()
    return "published"


def _failed(amplification: Amplification, message: str, code: str) -> str:
    amplification.state = AmplificationState.FAILED
    amplification.error_code = code[:64]
    amplification.error_message = message
    amplification.next_attempt_at = None
    amplification.save()
    return "failed"


def _requeue(amplification: Amplification, when: datetime, *, code: str, message: str) -> None:
    amplification.state = AmplificationState.QUEUED
    amplification.next_attempt_at = when
    amplification.error_code = code[:64]
    amplification.error_message = message
    amplification.save()
    _enqueue_at("publish_amplification", amplification.pk, when)


def _needs_reconnect(amplification: Amplification, error: ConnectorError) -> str:
    amplification.state = AmplificationState.NEEDS_RECONNECT
    amplification.error_code = error.code[:64] or "reauth"
    amplification.error_message = error.message
    amplification.next_attempt_at = None
    amplification.save()
    account = OrganizationAccount.objects.select_for_update().get(pk=amplification.account_id)
    if account.status == AccountStatus.CONNECTED:
        account.status = AccountStatus.NEEDS_RECONNECT
        account.status_reason = error.message[:300]
        account.save(update_fields=["status", "status_reason", "updated_at"])
        transaction.on_commit(partial(notify_page_reconnect, account.pk))
    return "needs_reconnect"


def notify_page_reconnect(account_id: int) -> None:
    """E-mail the admin who connected the page that it must be connected again."""
    account = (
        OrganizationAccount.objects.select_related("organization", "connected_by__user")
        .filter(pk=account_id)
        .first()
    )
    if account is None or account.connected_by is None or not account.connected_by.user.email:
        return
    user = account.connected_by.user
    organization = account.organization
    with translation.override(getattr(user, "language", "") or organization.default_language):
        subject = _("Reconnect the company page %(page)s") % {"page": account.display_name}
        body = _(
            "Hello,\n\n%(page)s stopped accepting posts from Chorus (%(reason)s), so its "
            "re-shares in %(organization)s are waiting.\n\nConnect the page again:\n%(url)s\n"
        ) % {
            "page": account.display_name,
            "reason": account.status_reason or _("the connection was revoked or expired"),
            "organization": organization.name,
            "url": f"{settings.SITE_URL.rstrip('/')}/o/{organization.slug}/amplify/company-pages/",
        }
    try:
        send_mail(subject, body, None, [user.email])
    except Exception:  # the state is saved; a mail hiccup must not undo it
        log.exception("could not e-mail about reconnecting organization account %s", account_id)


def _handle_error(amplification: Amplification, error: ConnectorError) -> str:
    now = timezone.now()
    if isinstance(error, UnknownOutcome):
        amplification.error_code = "unconfirmed"
        amplification.error_message = error.message
        amplification.next_attempt_at = now + timedelta(seconds=reconcile_delay_seconds())
        amplification.save()
        _enqueue("reconcile_amplification", amplification.pk, countdown=reconcile_delay_seconds())
        return "unknown_outcome"
    if isinstance(error, RateLimited):
        until = quotas.block_from_error(
            amplification.network, amplification.account.external_id, error
        )
        amplification.attempts = max(amplification.attempts - 1, 0)
        jitter = timedelta(seconds=random.uniform(0, min(30.0, error.retry_after / 4 + 1)))
        _requeue(
            amplification, until + jitter, code=error.code or "rate_limited", message=error.message
        )
        return "rate_limited"
    if isinstance(error, ReauthRequired):
        return _needs_reconnect(amplification, error)
    if isinstance(error, Duplicate):
        if (
            error.existing_id
            and amplification.attempts > 1  # an earlier attempt got no answer
            and not Amplification.objects.for_org(amplification.organization)
            .filter(network=amplification.network, external_id=error.existing_id)
            .exclude(pk=amplification.pk)
            .exists()
        ):
            return _published(
                amplification,
                PublishResult(external_id=error.existing_id, permalink=error.permalink),
            )
        return _failed(amplification, error.message, "duplicate")
    if isinstance(error, Rejected):
        return _failed(amplification, error.message, error.code or "rejected")
    if amplification.attempts >= max_attempts():
        return _failed(
            amplification,
            _("The network kept failing (%(message)s); gave up after %(count)s attempts.")
            % {"message": error.message, "count": amplification.attempts},
            error.code or "transient",
        )
    _requeue(
        amplification,
        now + timedelta(seconds=backoff_seconds(amplification.attempts)),
        code=error.code or "transient",
        message=error.message,
    )
    return "retry"


def amplification_publish(amplification_id: int) -> str:
    """Publish one queued amplification (``publish_amplification`` task)."""
    now = timezone.now()
    with transaction.atomic():
        amplification = _lock(amplification_id)
        if amplification is None or amplification.state != AmplificationState.QUEUED:
            return "skipped"
        if amplification.next_attempt_at and amplification.next_attempt_at > now:
            _enqueue_at("publish_amplification", amplification.pk, amplification.next_attempt_at)
            return "not_due"
        account = amplification.account
        if not account.is_usable:
            amplification.state = AmplificationState.NEEDS_RECONNECT
            amplification.error_message = _("Connect the company page again to publish this.")
            amplification.save()
            return "needs_reconnect"
        blocked = quotas.blocked_until(amplification.network, account.external_id)
        if blocked is not None:
            amplification.next_attempt_at = blocked
            amplification.save(update_fields=["next_attempt_at", "updated_at"])
            _enqueue_at("publish_amplification", amplification.pk, blocked)
            return "blocked"
        ref = _ref(account)
        if amplification.error_code == "unconfirmed" and amplification.publishing_started_at:
            # An earlier try may have reached the network: look before sending again.
            try:
                found = _find(amplification, ref, amplification.publishing_started_at)
            except ConnectorError as lookup_error:
                if isinstance(lookup_error, ReauthRequired):
                    return _needs_reconnect(amplification, lookup_error)
                _requeue(
                    amplification,
                    now + timedelta(seconds=reconcile_next_delay(1)),
                    code="unconfirmed",
                    message=lookup_error.message,
                )
                return "lookup_failed"
            if found is not None:
                return _published(amplification, found)
        amplification.attempts += 1
        amplification.reconcile_checks = 0
        amplification.attempt_id = uuid.uuid4()
        amplification.publishing_started_at = now
        amplification.next_attempt_at = None
        amplification.error_code = ""
        amplification.state = AmplificationState.PUBLISHING
        amplification.save()
        attempt_id = amplification.attempt_id
    # Committed: from here a crash leaves a "publishing" row for the sweep to reconcile.
    try:
        result: PublishResult | None = _call(amplification, ref)
        error: ConnectorError | None = None
    except ConnectorError as exc:
        result, error = None, exc
    with transaction.atomic():
        current = _lock(amplification_id)
        if (
            current is None
            or current.attempt_id != attempt_id
            or current.state != AmplificationState.PUBLISHING
            or current.error_code == "unconfirmed"  # the sweep took over
        ):
            return "superseded"
        if error is not None:
            return _handle_error(current, error)
        assert result is not None
        return _published(current, result)


def amplification_reconcile(amplification_id: int, *, only_if_due: bool = True) -> str:
    """Find out whether an unconfirmed create reached the page (``reconcile_amplification``)."""
    now = timezone.now()
    with transaction.atomic():
        amplification = _lock(amplification_id)
        if (
            amplification is None
            or amplification.state != AmplificationState.PUBLISHING
            or amplification.error_code != "unconfirmed"
        ):
            return "skipped"
        if only_if_due and amplification.next_attempt_at and amplification.next_attempt_at > now:
            return "not_due"
        account = amplification.account
        if not account.access_token_encrypted:
            amplification.state = AmplificationState.NEEDS_RECONNECT
            amplification.save()
            return "needs_reconnect"
        since = amplification.publishing_started_at or amplification.created_at
        amplification.reconcile_checks += 1
        try:
            found = _find(amplification, _ref(account), since)
        except ConnectorError as error:
            if isinstance(error, ReauthRequired):
                return _needs_reconnect(amplification, error)
            if amplification.reconcile_checks >= reconcile_max_checks():
                return _failed(
                    amplification,
                    _(
                        "Chorus could not find out whether the post went out (%(reason)s). "
                        "Look at the page; if the post is not there, try again."
                    )
                    % {"reason": error.message},
                    "unconfirmed",
                )
            delay = reconcile_next_delay(amplification.reconcile_checks)
            amplification.next_attempt_at = now + timedelta(seconds=delay)
            amplification.save()
            _enqueue("reconcile_amplification", amplification.pk, countdown=delay)
            return "reconcile_later"
        if found is not None:
            return _published(amplification, found)
        window_end = since + reconcile_window()
        if now < window_end and amplification.reconcile_checks < reconcile_max_checks():
            delay = min(
                reconcile_next_delay(amplification.reconcile_checks),
                (window_end - now).total_seconds() + 0.1,
            )
            amplification.next_attempt_at = now + timedelta(seconds=delay)
            amplification.save()
            _enqueue("reconcile_amplification", amplification.pk, countdown=delay)
            return "reconcile_later"
        # Not on the page after the window: send again (the row looked just now).
        amplification.error_code = ""
        if amplification.attempts >= max_attempts():
            return _failed(
                amplification,
                _("The network never confirmed the post; gave up after %(count)s attempts.")
                % {"count": amplification.attempts},
                "unconfirmed_gave_up",
            )
        amplification.state = AmplificationState.QUEUED
        amplification.next_attempt_at = None
        amplification.save()
        _enqueue("publish_amplification", amplification.pk)
        return "requeued"


@dangerously(
    "The amplification sweep (every minute) finds lost, stale and unconfirmed amplifications "
    "of every organization by id; each is then re-loaded and handled on its own."
)
def dangerously_amplifications() -> QuerySet[Amplification]:
    return Amplification.objects.all()


def amplifications_sweep(*, limit: int = 200) -> dict[str, int]:
    """Recover amplifications a crash or a lost message left (the member shares' thresholds)."""
    now = timezone.now()
    counts = {"requeued": 0, "stale": 0, "reconciled": 0}
    quiet = now - stale_queued_after()
    for pk in (
        dangerously_amplifications()
        .filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
            state=AmplificationState.QUEUED,
            updated_at__lt=quiet,
        )
        .values_list("pk", flat=True)[:limit]
    ):
        _enqueue("publish_amplification", pk)
        counts["requeued"] += 1
    for pk in list(
        dangerously_amplifications()
        .filter(
            state=AmplificationState.PUBLISHING,
            publishing_started_at__lt=now - stale_after(),
        )
        .exclude(error_code="unconfirmed")
        .values_list("pk", flat=True)[:limit]
    ):
        with transaction.atomic():
            amplification = _lock(pk)
            if (
                amplification is None
                or amplification.state != AmplificationState.PUBLISHING
                or amplification.error_code == "unconfirmed"
            ):
                continue
            amplification.error_code = "unconfirmed"
            amplification.error_message = _("The publishing attempt was interrupted.")
            amplification.next_attempt_at = now
            amplification.save()
            _enqueue("reconcile_amplification", pk)
            counts["stale"] += 1
    for pk in (
        dangerously_amplifications()
        .filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
            state=AmplificationState.PUBLISHING,
            error_code="unconfirmed",
            updated_at__lt=quiet,
        )
        .values_list("pk", flat=True)[:limit]
    ):
        _enqueue("reconcile_amplification", pk)
        counts["reconciled"] += 1
    return counts
