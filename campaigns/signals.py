"""Signals of campaigns: how the ledger tells the leaderboards (and, later, notifications
and analytics) that points moved, without importing them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent on commit after ledger entries are written.
# kwargs: ``organization_id`` (int), ``entries`` (list[PointsEntry], saved).
points_recorded = Signal()
