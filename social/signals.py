"""What the sharing app announces to the apps built on it (campaigns' points), without
importing them. Every signal is sent after the transaction that made the change commits
(``transaction.on_commit(..., robust=True)``): a receiver's failure is logged and never undoes
or delays a share, a click or a metrics pull.
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
