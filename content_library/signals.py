"""What the content library announces to the apps built on it (campaigns' points,
notifications), without importing them. Each is sent on commit."""

from __future__ import annotations

from django.dispatch import Signal

#: A curator accepted a suggestion into the library.
#: kwargs: ``organization_id``, ``suggestion_id``.
suggestion_accepted = Signal()

#: An item changed review status. kwargs: ``organization_id``, ``item_id``, ``from_status``,
#: ``to_status``, ``actor_id`` (the acting membership's id).
item_status_changed = Signal()

#: An employee submitted a suggestion. kwargs: ``organization_id``, ``suggestion_id``.
suggestion_submitted = Signal()

#: A curator accepted or declined a suggestion. kwargs: ``organization_id``,
#: ``suggestion_id``, ``status`` ("accepted" or "declined").
suggestion_reviewed = Signal()
