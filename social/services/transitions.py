"""Moving a share through its state machine (``social.models.SHARE_TRANSITIONS``).

``share_transition`` is the one write that changes ``Share.state``: the member's actions
(``social.services.shares``) and publishing (``social.services.publishing``) both go through
it, and every move leaves a ``ShareEvent`` (the history the member sees).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Share, ShareEvent, ShareState
from ..signals import share_needs_attention, share_state_changed

#: States whose arrival other apps hear of (``social.signals.share_state_changed``).
ANNOUNCED_STATES = frozenset({ShareState.PUBLISHED, ShareState.CANCELLED})

#: States in which the member must act (try again, reconnect): ``share_needs_attention``.
ATTENTION_STATES = frozenset({ShareState.FAILED, ShareState.NEEDS_RECONNECT})


class InvalidTransition(ValidationError):
    """A share was asked to make a move its state machine does not allow (a 400 for a member)."""

    def __init__(self, share: Share, to: str) -> None:
        self.share_id, self.from_state, self.to_state = share.pk, share.state, to
        super().__init__(
            {
                "state": [
                    _("A share that is “%(state)s” cannot change like that.")
                    % {"state": share.get_state_display()}
                ]
            }
        )

    def __str__(self) -> str:
        return f"share {self.share_id}: {self.from_state} -> {self.to_state} is not allowed"


def share_event_record(share: Share, *, from_state: str, to_state: str, detail: str = "") -> None:
    """Append to the share's history (also for steps that keep the state, e.g. "processing")."""
    ShareEvent.objects.create(
        organization_id=share.organization_id,
        share=share,
        from_state=from_state,
        to_state=to_state,
        detail=detail[:500],
    )


def share_transition(
    share: Share,
    to: str,
    *,
    detail: str = "",
    changed: Iterable[str] | None = None,
    **fields: object,
) -> Share:
    """Move ``share`` to ``to`` with ``fields`` set, save it and record the move.

    Callers hold the share's row lock (``select_for_update``), so saving the whole row
    cannot overwrite a concurrent change. A caller that knows which columns it set on
    ``share`` before the call names them in ``changed``: the one UPDATE then writes only those
    (with the state, ``fields`` and ``updated_at``). ``InvalidTransition`` when the move is
    not allowed.
    """
    if not share.can_transition(to):
        raise InvalidTransition(share, to)
    before = share.state
    share.state = to
    for name, value in fields.items():
        setattr(share, name, value)
    if changed is None:
        share.save()
    else:
        share.save(update_fields={"state", "updated_at", *fields, *changed})
    share_event_record(share, from_state=before, to_state=to, detail=detail)
    if to in ANNOUNCED_STATES:
        transaction.on_commit(
            partial(
                share_state_changed.send,
                sender=Share,
                organization_id=share.organization_id,
                share_id=share.pk,
                state=to,
            ),
            robust=True,
        )
    if to in ATTENTION_STATES:
        share_needs_attention.send(
            sender=Share,
            organization_id=share.organization_id,
            share_id=share.pk,
            from_state=before,
            to_state=to,
            detail=detail,
        )
    return share
