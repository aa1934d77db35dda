"""What the sharing app announces to the apps built on it (campaigns' points,
notifications), without importing them. Unless a signal says otherwise it is sent after the
transaction that made the change commits (``transaction.on_commit(..., robust=True)``): a
receiver's failure is logged and never undoes or delays a share, a click or a metrics pull.
"""

from __future__ import annotations

from django.dispatch import Signal

#: A share reached ``published`` or ``cancelled`` (``share_transition``).
#: kwargs: ``organization_id``, ``share_id``, ``state``.
share_state_changed = Signal()

#: The click drain added human clicks to shares' ``clicks``.
#: kwargs: ``shares_by_organization`` (dict[int, set[int]]: organization id -> share ids).
share_clicks_counted = Signal()

#: A metrics pull stored snapshots (and copied them onto the shares), or found posts gone.
#: kwargs: ``shares_by_organization`` (updated share ids), ``gone_by_organization`` (share
#: ids whose post the network no longer has), both dict[int, set[int]], and ``at`` (the
#: time of the pull).
share_metrics_stored = Signal()

#: A share moved to a state in which its member must act (failed, needs a reconnect). Sent by
#: ``share_transition`` inside the caller's transaction (the share's row is locked), so what a
#: receiver writes commits or rolls back with the move; receivers must not fail it. kwargs:
#: ``organization_id``, ``share_id``, ``from_state``, ``to_state``, ``detail``.
share_needs_attention = Signal()

#: A member was warned that a network token lapses soon (sent on commit). kwargs: ``account_id``,
#: ``user_id``, ``network``, ``expires_at`` (datetime).
network_token_expiring = Signal()
