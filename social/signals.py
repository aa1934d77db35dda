"""Signals of social: how shares and accounts tell other apps (notifications) what happened,
without importing them. Each is sent on commit."""

from __future__ import annotations

from django.dispatch import Signal

#: A share moved in its state machine. kwargs: ``organization_id``, ``share_id``,
#: ``from_state``, ``to_state``, ``detail``.
share_state_changed = Signal()

#: A member was warned that a network token lapses soon. kwargs: ``account_id``,
#: ``user_id``, ``network``, ``expires_at`` (datetime).
network_token_expiring = Signal()
