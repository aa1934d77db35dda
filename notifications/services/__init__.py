"""Writes of notifications: ``dispatch.notify`` (events into notifications and deliveries),
``inbox`` (mark read), ``preferences`` (a member's and the organization's choices),
``email`` (one delivery sent exactly once), ``batches`` (the batched events' sweeps)."""
