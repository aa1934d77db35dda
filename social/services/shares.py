"""Writes about shares: compose (create), retry, cancel and confirm a share-dialog post.

Every rule a member can break is checked here and answered with a ``ValidationError`` they
can act on; pages and the API only translate input. One ``Share`` per linked account and
item (a database constraint); the checks are ``social.services.share_checks``, the compose
rules (targets, default captions, when) ``social.services.compose``, and publishing itself is
``social.services.publishing`` (``share_enqueue``), which API shares are handed to once saved.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.models import Membership
from advocacy.networks import Network
from campaigns.models import Campaign
from campaigns.selectors.campaigns import live_campaign_for_item
from content_library.models import ContentItem

from ..models import (
    IN_FLIGHT_STATES,
    RETRYABLE_STATES,
    NetworkAccount,
    Share,
    ShareMethod,
    ShareState,
)
from ..selectors.shares import share_tracked_link
from ..selectors.targets import account_refusal, disallowed_networks
from .compose import ShareTarget
from .links import tracked_link_create, tracked_link_set_active, tracked_link_url
from .posts import caption_as_sent, caption_as_written
from .share_checks import (
    caption_check,
    item_check,
    share_capability_require,
    share_policy_check,
    target_check,
)
from .transitions import share_event_record, share_transition

logger = logging.getLogger(__name__)


def _with_link(share: Share) -> Share:
    """Create the share's tracked link (items with a URL) and put it where the network wants it."""
    if share.item.url:
        link = tracked_link_create(share=share)
        share.link = link
        sent = caption_as_sent(
            network=share.network, caption=share.caption, link_url=tracked_link_url(link)
        )
        if sent != share.caption:
            share.caption = sent
            share.save(update_fields=["caption", "updated_at"])
    return share


def _campaign_fields(campaign: Campaign | None) -> dict[str, Any]:
    """A share made while its item is in a live campaign for the member belongs to it: its
    tracked link carries the campaign's slug as ``utm_campaign``."""
    if campaign is None:
        return {}
    return {"campaign": campaign, "utm_campaign": campaign.slug[:100]}


def _enqueue(share: Share) -> None:
    from .publishing import share_enqueue

    share_enqueue(share)


# --- compose ------------------------------------------------------------------------------------


def _existing_api_share(membership: Membership, item: ContentItem, account: NetworkAccount):
    return (
        Share.objects.for_org(membership.organization)
        .select_for_update()
        .filter(item=item, account=account)
        .first()
    )


def _refuse_existing(share: Share, label: str) -> None:
    if share.state == ShareState.PUBLISHED:
        raise ValidationError(
            {"targets": [_("You have already shared this to %(account)s.") % {"account": label}]}
        )
    if share.state in IN_FLIGHT_STATES:
        raise ValidationError(
            {
                "targets": [
                    _("This is already on its way to %(account)s (%(state)s).")
                    % {"account": label, "state": share.get_state_display()}
                ]
            }
        )


def _create_api_share(
    *,
    membership: Membership,
    item: ContentItem,
    target: ShareTarget,
    scheduled_at: datetime | None,
    campaign: Campaign | None = None,
) -> Share:
    account = target.account
    assert account is not None
    label = str(account)
    existing = _existing_api_share(membership, item, account)
    if existing is not None:
        _refuse_existing(existing, label)
        if existing.state in RETRYABLE_STATES:
            if scheduled_at is not None:
                raise ValidationError(
                    {
                        "scheduled_at": [
                            _(
                                "Your earlier share to %(account)s failed; retry it now instead "
                                "of scheduling it."
                            )
                            % {"account": label}
                        ]
                    }
                )
            existing.caption = target.caption.strip()
            existing.save(update_fields=["caption", "updated_at"])
            _with_link(existing)
            return _retry_locked(existing)
        if existing.state == ShareState.CANCELLED:
            # A cancelled share never reached the network: start afresh (one row per
            # account and item, so the cancelled one makes way).
            existing.delete()
    share = Share(
        organization=membership.organization,
        membership=membership,
        item=item,
        account=account,
        network=account.network,
        method=ShareMethod.API,
        caption=target.caption.strip(),
        state=ShareState.SCHEDULED,
        scheduled_at=scheduled_at,
        **_campaign_fields(campaign),
    )
    try:
        with transaction.atomic():
            share.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"targets": [_("You have already shared this to %(account)s.") % {"account": label}]}
        ) from exc
    share_event_record(
        share,
        from_state="",
        to_state=ShareState.SCHEDULED,
        detail=(
            _("Scheduled for %(when)s") % {"when": scheduled_at.isoformat()}
            if scheduled_at
            else _("Created")
        ),
    )
    _with_link(share)
    _enqueue(share)
    return share


def _existing_dialog_share(membership: Membership, item: ContentItem, network: str) -> Share | None:
    """The member's waiting or published dialog share of ``item`` on ``network`` (at most one:
    the ``share_unique_dialog`` constraint), locked."""
    return (
        Share.objects.for_org(membership.organization)
        .select_for_update()
        .filter(
            membership=membership,
            item=item,
            network=network,
            method=ShareMethod.DIALOG,
            account__isnull=True,
            state__in=[ShareState.SCHEDULED, ShareState.PUBLISHED],
        )
        .order_by("-id")
        .first()
    )


def _reuse_dialog_share(existing: Share, target: ShareTarget, label: str) -> Share:
    if existing.state == ShareState.PUBLISHED:
        raise ValidationError(
            {"targets": [_("You have already shared this to %(account)s.") % {"account": label}]}
        )
    # Not confirmed yet: the same share (and tracked link), with the new caption.
    existing.caption = target.caption.strip()
    existing.save(update_fields=["caption", "updated_at"])
    return _with_link(existing)


def _create_dialog_share(
    *,
    membership: Membership,
    item: ContentItem,
    target: ShareTarget,
    campaign: Campaign | None = None,
) -> Share:
    """A share the member posts in the network's own dialog. It waits as ``scheduled`` with
    no time (so no publishing sweep ever picks it up) until the member confirms.

    One per member, item and network (a partial unique constraint): parallel submits of the
    same share find no row to lock, so all but one insert fail, and those answer with the
    share that won."""
    label = Network(target.network).label
    existing = _existing_dialog_share(membership, item, target.network)
    if existing is not None:
        return _reuse_dialog_share(existing, target, label)
    try:
        with transaction.atomic():
            share = Share.objects.create(
                organization=membership.organization,
                membership=membership,
                item=item,
                account=None,
                network=target.network,
                method=ShareMethod.DIALOG,
                caption=target.caption.strip(),
                state=ShareState.SCHEDULED,
                scheduled_at=None,
                **_campaign_fields(campaign),
            )
    except IntegrityError:
        # Another submit of the same share committed it first (READ COMMITTED: visible now).
        existing = _existing_dialog_share(membership, item, target.network)
        if existing is None:
            raise
        return _reuse_dialog_share(existing, target, label)
    share_event_record(
        share,
        from_state="",
        to_state=ShareState.SCHEDULED,
        detail=_("Waiting for you to post it in the %(network)s dialog") % {"network": label},
    )
    return _with_link(share)


def is_dialog_waiting(share: Share) -> bool:
    """A share-dialog share the member has not confirmed yet."""
    return share.method == ShareMethod.DIALOG and share.state == ShareState.SCHEDULED


@transaction.atomic
def share_create(
    *,
    membership: Membership,
    item: ContentItem,
    targets: Sequence[ShareTarget],
    scheduled_at: datetime | None = None,
    now: datetime | None = None,
) -> list[Share]:
    """Share ``item`` to each target (one ``Share`` each), now or at ``scheduled_at``.

    Every target is checked before anything is written, so a refusal leaves nothing behind.
    API shares are handed to ``social.services.publishing.share_enqueue``; dialog shares wait for the
    member to post in the dialog (``share_dialog_url``) and confirm (``share_dialog_confirm``).
    """
    share_capability_require(membership)
    now = now or timezone.now()
    if item.organization_id != membership.organization_id:
        raise ValidationError({"item": [_("Choose an item of this organization.")]})
    share_policy_check(membership=membership)
    item_check(membership, item)
    if not targets:
        raise ValidationError({"targets": [_("Choose at least one network to share to.")]})
    if scheduled_at is not None:
        if timezone.is_naive(scheduled_at):
            raise ValidationError({"scheduled_at": [_("Give the time with its time zone.")]})
        if scheduled_at <= now:
            raise ValidationError({"scheduled_at": [_("Choose a time in the future.")]})
        if item.expires_at is not None and scheduled_at >= item.expires_at:
            raise ValidationError(
                {"scheduled_at": [_("This item may only be shared until it expires.")]}
            )
        if any(t.is_dialog for t in targets):
            raise ValidationError(
                {
                    "scheduled_at": [
                        _("Share dialogs open now, so they cannot be scheduled; share those now.")
                    ]
                }
            )
    seen: set[str] = set()
    disallowed = disallowed_networks(organization=membership.organization)
    for target in targets:
        key = f"a{target.account.pk}" if target.account is not None else f"d{target.network}"
        if key in seen:
            raise ValidationError({"targets": [_("Each network can be chosen once.")]})
        seen.add(key)
        target_check(membership=membership, item=item, target=target, disallowed=disallowed)
    campaign = live_campaign_for_item(membership=membership, item=item, now=now)
    shares = []
    for target in targets:
        if target.is_dialog:
            shares.append(
                _create_dialog_share(
                    membership=membership, item=item, target=target, campaign=campaign
                )
            )
        else:
            shares.append(
                _create_api_share(
                    membership=membership,
                    item=item,
                    target=target,
                    scheduled_at=scheduled_at,
                    campaign=campaign,
                )
            )
    return shares


# --- after the fact ------------------------------------------------------------------------------


def _own_locked(membership: Membership, share: Share) -> Share:
    share_capability_require(membership)
    locked = (
        Share.objects.for_org(membership.organization)
        .select_for_update(of=("self",))
        .select_related("item", "account")
        .filter(pk=share.pk, membership=membership)
        .first()
    )
    if locked is None:
        raise ValidationError({"share": [_("Not found.")]})
    return locked


def _retry_locked(share: Share) -> Share:
    """Hand a failed or needs-reconnect share back to publishing (a fresh set of attempts)."""
    from .publishing import share_retry as publishing_share_retry

    return publishing_share_retry(share)


@transaction.atomic
def share_retry(*, membership: Membership, share: Share, caption: str | None = None) -> Share:
    """Try a failed (or needs-reconnect) share again, after the member fixed the cause:
    reconnected the account, or (``caption``) rewrote what the network refused."""
    share = _own_locked(membership, share)
    if share.state not in RETRYABLE_STATES:
        raise ValidationError(
            {
                "state": [
                    _("Only failed shares can be retried; this one is “%(state)s”.")
                    % {"state": share.get_state_display()}
                ]
            }
        )
    if share.method != ShareMethod.API or share.account is None:
        raise ValidationError({"state": [_("This share was not posted by Chorus.")]})
    share_policy_check(membership=membership)
    refusal = account_refusal(account=share.account, membership=membership)
    if refusal:
        raise ValidationError({"account": [refusal]})
    if share.network in disallowed_networks(organization=membership.organization):
        raise ValidationError(
            {
                "targets": [
                    _("Your organization does not allow sharing to %(network)s.")
                    % {"network": share.get_network_display()}
                ]
            }
        )
    link = share_tracked_link(share)
    link_url = tracked_link_url(link) if link is not None else ""
    if caption is not None:
        caption_check(
            membership=membership, item=share.item, network=share.network, caption=caption
        )
        share.caption = caption_as_sent(network=share.network, caption=caption, link_url=link_url)
        share.save(update_fields=["caption", "updated_at"])
    else:
        written = caption_as_written(
            network=share.network, caption=share.caption, link_url=link_url
        )
        caption_check(
            membership=membership, item=share.item, network=share.network, caption=written
        )
    return _retry_locked(share)


@transaction.atomic
def share_cancel(*, membership: Membership, share: Share) -> Share:
    """Cancel a scheduled share (or a share-dialog post the member has not made)."""
    share = _own_locked(membership, share)
    if share.state != ShareState.SCHEDULED:
        raise ValidationError(
            {
                "state": [
                    _("Only scheduled shares can be cancelled; this one is “%(state)s”.")
                    % {"state": share.get_state_display()}
                ]
            }
        )
    share_transition(share, ShareState.CANCELLED, detail=_("Cancelled by you"))
    link = share_tracked_link(share)
    if link is not None:
        tracked_link_set_active(link=link, active=False)  # the redirect stops at once
    return share


@transaction.atomic
def share_dialog_confirm(
    *, membership: Membership, share: Share, now: datetime | None = None
) -> Share:
    """The member says they posted a share-dialog share: it counts as published (no post id
    and no network metrics; its clicks come from the tracked link)."""
    from content_library.services.share_marks import item_share_mark_record

    share = _own_locked(membership, share)
    if share.method != ShareMethod.DIALOG:
        raise ValidationError({"state": [_("Chorus posts this share itself.")]})
    if share.state == ShareState.PUBLISHED:
        return share
    if share.state != ShareState.SCHEDULED:
        raise ValidationError(
            {"state": [_("This share is “%(state)s”.") % {"state": share.get_state_display()}]}
        )
    now = now or timezone.now()
    # scheduled -> queued -> publishing -> published, all in this transaction: the member
    # did the publishing; the history shows each step as the state machine allows it.
    share_transition(share, ShareState.QUEUED, detail=_("You confirmed that you posted it"))
    share_transition(share, ShareState.PUBLISHING, detail=_("Posted through the share dialog"))
    share_transition(
        share,
        ShareState.PUBLISHED,
        detail=_("Published by you"),
        published_at=now,
    )
    item_share_mark_record(item=share.item, membership=membership, network=share.network, at=now)
    return share
