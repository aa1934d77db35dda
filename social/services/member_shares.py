"""What happens to a member's shares when the member leaves an organization.

``advocacy`` announces a deactivation with the ``member_deactivated`` signal (the core does not
import the apps built on it); ``SocialConfig.ready`` connects ``on_member_deactivated`` to it.
The receiver runs inside the deactivation's transaction, so the deactivation and the
cancellations commit together or not at all.

Shares already handed to the network (``publishing``, ``unknown_outcome``) are left to finish:
the create call may already have gone out, and cancelling would lose track of a live post.
A share that slips through (queued by a request that raced the deactivation) is refused at
publish time by ``share_refuse_if_member_inactive``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from advocacy.models import Membership

from ..models import Share, ShareState
from .transitions import share_transition

#: The shares a deactivation cancels: waiting for their time, or for a worker.
CANCELLED_ON_DEACTIVATION = (ShareState.SCHEDULED, ShareState.QUEUED)


def _cancel_for_deactivation(share: Share, detail: str) -> None:
    """Cancel a locked ``share`` of a deactivated member; ``detail`` goes on its event."""
    share.next_attempt_at = None
    share.error_code = "member_deactivated"
    share.error_message = _("The member was deactivated in this organization.")
    share_transition(share, ShareState.CANCELLED, detail=detail)


def member_shares_cancel(*, membership: Membership) -> list[Share]:
    """Cancel ``membership``'s scheduled and queued shares, each with an event saying why.

    Locks the shares (in id order) like every other share write; a worker holding one finishes
    its step first, and a share it moved on to ``publishing`` is left alone.
    """
    shares = list(
        Share.objects.for_org(membership.organization)
        .select_for_update(of=("self",))
        .filter(membership=membership, state__in=CANCELLED_ON_DEACTIVATION)
        .order_by("pk")
    )
    for share in shares:
        _cancel_for_deactivation(
            share, _("Cancelled: the member was deactivated in this organization.")
        )
    return shares


def share_refuse_if_member_inactive(share: Share) -> bool:
    """At the start of a publish attempt (the share is locked and ``queued``): a share whose
    member is no longer active is cancelled with the reason and never posted. True if refused."""
    membership = share.membership
    if membership.is_active:
        return False
    _cancel_for_deactivation(
        share, _("Not published: the member was deactivated in this organization.")
    )
    return True


def on_member_deactivated(sender: Any, *, membership: Membership, **kwargs: Any) -> None:
    """Receiver of ``advocacy.signals.member_deactivated``."""
    member_shares_cancel(membership=membership)
