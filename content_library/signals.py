"""What the library announces to the apps built on it (campaigns' points), without importing
them. Sent on commit (``robust``): a receiver's failure never undoes the library's write."""

from __future__ import annotations

from django.dispatch import Signal

#: A curator accepted a suggestion into the library.
#: kwargs: ``organization_id``, ``suggestion_id``.
suggestion_accepted = Signal()
