"""Writes about shares: compose (create), retry, cancel and confirm a share-dialog post.

Every rule a member can break is checked here and answered with a ``ValidationError`` they
can act on; pages and the API only translate input. One ``Share`` per linked account and
item (a database constraint); publishing itself is ``social.publishing`` (``share_enqueue``),
which this module hands API shares to once they are saved.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.models import Membership
from advocacy.networks import Network
from advocacy.permissions import Capability, has_capability
from content_library.models import ContentItem
from content_library.selectors import item_visible_to

from . import selectors_shares as sel
from .links import tracked_link_create, tracked_link_url
from .models import (
    NetworkAccount,
    Share,
    ShareEvent,
    ShareMethod,
    ShareState,
    TrackedLink,
)

logger = logging.getLogger(__name__)

HASHTAG = re.compile(r"(?<![\w#])#(\w{1,100})", re.UNICODE)


@dataclass(frozen=True)
class ShareTarget:
    """Where to share and with which caption: a linked account, or (``account=None``) a
    share-dialog network (``network``: Facebook profile or X)."""

    caption: str
    account: NetworkAccount | None = None
    network: str = ""

    @property
    def target_network(self) -> str:
        return self.account.network if self.account is not None else self.network

    @property
    def is_dialog(self) -> bool:
        return self.account is None


# --- checks ---------------------------------------------------------------------------------


def _require_share_capability(membership: Membership) -> None:
    if not has_capability(membership, Capability.SHARE_CONTENT):
        raise PermissionDenied(_("Your role does not allow sharing."))


def share_policy_check(*, membership: Membership) -> None:
    """The social-media policy must be accepted before a share (ValidationError with its link)."""
    from guidelines.selectors import policy_acknowledgement_required

    version = policy_acknowledgement_required(membership=membership)
    if version is None:
        return
    url = reverse(
        "guidelines_document",
        kwargs={"org_slug": membership.organization.slug, "document_id": version.document_id},
    )
    if version.accepted_number is None:  # a first acceptance
        message = _("Before you share, please read and accept “%(title)s”: %(url)s") % {
            "title": version.document.title,
            "url": url,
        }
    else:  # the policy changed since the version the member accepted
        message = _(
            "“%(title)s” changed since you accepted version %(accepted)s: review version "
            "%(number)s and accept it before sharing: %(url)s"
        ) % {
            "title": version.document.title,
            "accepted": version.accepted_number,
            "number": version.number,
            "url": url,
        }
    raise ValidationError({"policy": [message]})


def _check_item(membership: Membership, item: ContentItem) -> None:
    if item.organization_id != membership.organization_id or not item_visible_to(
        membership=membership, item=item
    ):
        raise ValidationError(
            {
                "item": [
                    _(
                        "This item cannot be shared: it is not approved, outside its sharing "
                        "window, or not meant for you."
                    )
                ]
            }
        )


def _check_caption(
    *, membership: Membership, item: ContentItem, network: str, caption: str
) -> None:
    """Caption rules for ``network``: editability and the organization's guidelines."""
    from guidelines.checker import check_caption

    label = Network(network).label
    if not item.captions_editable:
        suggestions = sel.suggested_captions(item)
        allowed = suggestions.get(network) or [t for texts in suggestions.values() for t in texts]
        if allowed and caption.strip() not in {t.strip() for t in allowed}:
            raise ValidationError(
                {
                    "caption": [
                        _(
                            "%(network)s: this item's captions cannot be edited; choose one of "
                            "the suggested captions."
                        )
                        % {"network": label}
                    ]
                }
            )
    blocking = [
        f for f in check_caption(membership.organization, network, caption) if f.is_blocking
    ]
    if blocking:
        raise ValidationError(
            {
                "caption": [
                    _("%(network)s: %(finding)s") % {"network": label, "finding": f.message}
                    for f in blocking
                ]
            }
        )


def _check_target(
    *, membership: Membership, item: ContentItem, target: ShareTarget, disallowed: set[str]
) -> None:
    network = target.target_network
    if network not in Network.values:
        raise ValidationError({"targets": [_("Choose a network Chorus knows.")]})
    label = Network(network).label
    if network in disallowed:
        raise ValidationError(
            {
                "targets": [
                    _("Your organization does not allow sharing to %(network)s.")
                    % {"network": label}
                ]
            }
        )
    if target.account is not None:
        refusal = sel.account_refusal(account=target.account, membership=membership)
        if refusal:
            raise ValidationError({"targets": [refusal]})
    refusal = sel.network_refusal(item=item, network=network, dialog=target.is_dialog)
    if refusal:
        raise ValidationError({"targets": [refusal]})
    _check_caption(membership=membership, item=item, network=network, caption=target.caption)


# --- building the post ------------------------------------------------------------------------


def caption_as_sent(*, network: str, caption: str, link_url: str) -> str:
    """What the network receives as text. LinkedIn and Facebook pages carry the tracked link
    as the post's link (article/link card), so the caption stays as written; Instagram
    captions are not clickable, so the tracked link goes at the end for people to copy (the
    composer says so); share dialogs get the link as their own parameter."""
    caption = caption.strip()
    if network == Network.INSTAGRAM and link_url and link_url not in caption:
        return f"{caption}\n\n{link_url}" if caption else link_url
    return caption


def share_dialog_url(share: Share) -> str:
    """The network's share dialog (Facebook) or intent (X) URL for a dialog share, with the
    share's tracked link (built by ``social.connectors.dialog``)."""
    from .connectors import dialog

    link = sel.share_tracked_link(share)
    url = tracked_link_url(link) if link is not None else ""
    if share.network == Network.FACEBOOK:
        match = HASHTAG.search(share.caption or "")
        return dialog.facebook_share_dialog_url(
            href=url, hashtag=f"#{match.group(1)}" if match else ""
        )
    return dialog.x_intent_url(text=share.caption, url=url)


def _event(share: Share, *, from_state: str, to_state: str, detail: str = "") -> None:
    ShareEvent.objects.create(
        organization_id=share.organization_id,
        share=share,
        from_state=from_state,
        to_state=to_state,
        detail=detail[:500],
    )


def _transition(share: Share, to: str, *, detail: str = "", **fields: object) -> Share:
    if not share.can_transition(to):
        raise ValidationError(
            {
                "state": [
                    _("A share that is “%(state)s” cannot change like that.")
                    % {"state": share.get_state_display()}
                ]
            }
        )
    before = share.state
    share.state = to
    for name, value in fields.items():
        setattr(share, name, value)
    share.save(update_fields=["state", "updated_at", *fields])
    _event(share, from_state=before, to_state=to, detail=detail)
    return share


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
    if share.state in sel.IN_FLIGHT_STATES:
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
) -> Share:
    account = target.account
    assert account is not None
    label = str(account)
    existing = _existing_api_share(membership, item, account)
    if existing is not None:
        _refuse_existing(existing, label)
        if existing.state in sel.RETRYABLE_STATES:
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
    )
    try:
        with transaction.atomic():
            share.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"targets": [_("You have already shared this to %(account)s.") % {"account": label}]}
        ) from exc
    _event(
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


def _create_dialog_share(
    *, membership: Membership, item: ContentItem, target: ShareTarget
) -> Share:
    """A share the member posts in the network's own dialog. It waits as ``scheduled`` with
    no time (so no publishing sweep ever picks it up) until the member confirms."""
    existing = (
        Share.objects.for_org(membership.organization)
        .select_for_update()
        .filter(
            membership=membership,
            item=item,
            network=target.network,
            method=ShareMethod.DIALOG,
            state__in=[ShareState.SCHEDULED, ShareState.PUBLISHED],
        )
        .order_by("-id")
        .first()
    )
    label = Network(target.network).label
    if existing is not None and existing.state == ShareState.PUBLISHED:
        raise ValidationError(
            {"targets": [_("You have already shared this to %(account)s.") % {"account": label}]}
        )
    if existing is not None:
        # Not confirmed yet: the same share (and tracked link), with the new caption.
        existing.caption = target.caption.strip()
        existing.save(update_fields=["caption", "updated_at"])
        return _with_link(existing)
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
    )
    _event(
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
    API shares are handed to ``social.publishing.share_enqueue``; dialog shares wait for the
    member to post in the dialog (``share_dialog_url``) and confirm (``share_dialog_confirm``).
    """
    _require_share_capability(membership)
    now = now or timezone.now()
    if item.organization_id != membership.organization_id:
        raise ValidationError({"item": [_("Choose an item of this organization.")]})
    share_policy_check(membership=membership)
    _check_item(membership, item)
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
    disallowed = sel.disallowed_networks(organization=membership.organization)
    for target in targets:
        key = f"a{target.account.pk}" if target.account is not None else f"d{target.network}"
        if key in seen:
            raise ValidationError({"targets": [_("Each network can be chosen once.")]})
        seen.add(key)
        _check_target(membership=membership, item=item, target=target, disallowed=disallowed)
    shares = []
    for target in targets:
        if target.is_dialog:
            shares.append(_create_dialog_share(membership=membership, item=item, target=target))
        else:
            shares.append(
                _create_api_share(
                    membership=membership, item=item, target=target, scheduled_at=scheduled_at
                )
            )
    return shares


# --- after the fact ------------------------------------------------------------------------------


def _own_locked(membership: Membership, share: Share) -> Share:
    _require_share_capability(membership)
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
    if share.state not in sel.RETRYABLE_STATES:
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
    refusal = sel.account_refusal(account=share.account, membership=membership)
    if refusal:
        raise ValidationError({"account": [refusal]})
    if share.network in sel.disallowed_networks(organization=membership.organization):
        raise ValidationError(
            {
                "targets": [
                    _("Your organization does not allow sharing to %(network)s.")
                    % {"network": share.get_network_display()}
                ]
            }
        )
    link = sel.share_tracked_link(share)
    link_url = tracked_link_url(link) if link is not None else ""
    if caption is not None:
        _check_caption(
            membership=membership, item=share.item, network=share.network, caption=caption
        )
        share.caption = caption_as_sent(network=share.network, caption=caption, link_url=link_url)
        share.save(update_fields=["caption", "updated_at"])
    else:
        written = share.caption
        if link_url and share.network == Network.INSTAGRAM:
            written = written.replace(link_url, "").strip()
        _check_caption(
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
    _transition(share, ShareState.CANCELLED, detail=_("Cancelled by you"))
    TrackedLink.objects.filter(share=share).update(is_active=False)
    return share


@transaction.atomic
def share_dialog_confirm(
    *, membership: Membership, share: Share, now: datetime | None = None
) -> Share:
    """The member says they posted a share-dialog share: it counts as published (no post id
    and no network metrics; its clicks come from the tracked link)."""
    from content_library.services import item_share_mark_record

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
    _transition(share, ShareState.QUEUED, detail=_("You confirmed that you posted it"))
    _transition(share, ShareState.PUBLISHING, detail=_("Posted through the share dialog"))
    _transition(
        share,
        ShareState.PUBLISHED,
        detail=_("Published by you"),
        published_at=now,
    )
    item_share_mark_record(item=share.item, membership=membership, network=share.network, at=now)
    return share
