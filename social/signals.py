"""Signals of social: how shares and accounts tell other apps (notifications) what happened,
without importing them."""

from __future__ import annotations

from django.dispatch import Signal

#: A share moved to a state in which its member must act (failed, needs a reconnect). Sent by
#: ``share_transition`` inside the caller's transaction (the share's row is locked), so what a
#: receiver writes commits or rolls back with the move; receivers must not fail it. kwargs:
#: ``organization_id``, ``share_id``, ``from_state``, ``to_state``, ``detail``.
share_needs_attention = Signal()

#: A member was warned that a network token lapses soon (sent on commit). kwargs: ``account_id``,
#: ``user_id``, ``network``, ``expires_at`` (datetime).
network_token_expiring = Signal()
