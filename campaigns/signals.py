"""Signals of campaigns: how the ledger tells the leaderboards (and, later, notifications
and analytics) that points moved, without importing them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent on commit after ledger entries are written.
# kwargs: ``organization_id`` (int), ``entries`` (list[PointsEntry], saved).
points_recorded = Signal()

# Sent on commit when a campaign goes live (launched after its start, or by the clock).
# kwargs: ``organization_id``, ``campaign_id``.
campaign_went_live = Signal()

# Sent on commit when a raffle is drawn. kwargs: ``organization_id``, ``raffle_id``.
raffle_drawn = Signal()

# Sent on commit when a reward request is made or decided.
# kwargs: ``organization_id``, ``redemption_id``, ``status`` (the new status).
redemption_changed = Signal()


def announce(signal: Signal, **kwargs: object) -> None:
    """Send ``signal`` once the current transaction commits; a receiver's failure is logged
    and never undoes the change that announced it."""
    from functools import partial

    from django.db import transaction

    transaction.on_commit(partial(signal.send, sender=None, **kwargs), robust=True)
