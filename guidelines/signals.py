"""What guidelines announce to the apps built on them (campaigns' points), without importing
them. Sent on commit (``robust``): a receiver's failure never undoes an acceptance."""

from __future__ import annotations

from django.dispatch import Signal

#: A member accepted a published policy version (first time for that version).
#: kwargs: ``organization_id``, ``acknowledgement_id``.
policy_acknowledged = Signal()
