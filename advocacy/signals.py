"""Hooks the core offers the apps built on it.

The core (``advocacy``) must not import what is built on top of it (``social``, ``campaigns``),
so a change of a member that other apps must follow is announced here and handled there.
"""

from __future__ import annotations

from django.dispatch import Signal

#: Sent by ``advocacy.services.members.member_deactivate`` inside its transaction, after the
#: membership is saved inactive, with ``membership`` (the deactivated one), ``actor`` (the
#: admin's membership). Receivers run in
#: the same transaction: if one fails, the deactivation fails with it, so a member is never
#: left deactivated with their work still going out. ``social`` cancels the member's scheduled
#: and queued shares (``social.services.member_shares``).
member_deactivated = Signal()

#: Sent on commit (``robust``) by ``advocacy.services.invitation_acceptance.invitation_accept``
#: when someone joined through an invitation (a new or reactivated membership), with
#: ``organization_id``, ``invitation_id``, ``membership_id`` (the newcomer's) and ``created``
#: (False for a reactivation). ``campaigns`` credits the inviter with points.
invitation_accepted = Signal()
