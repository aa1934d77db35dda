"""What guidelines announce to the apps built on them (campaigns' points, notifications),
without importing them. Each is sent on commit."""

from __future__ import annotations

from django.dispatch import Signal

#: A member accepted a published policy version (first time for that version).
#: kwargs: ``organization_id``, ``acknowledgement_id``.
policy_acknowledged = Signal()

#: A policy version was published. kwargs: ``organization_id``, ``version_id``,
#: ``document_id``.
policy_version_published = Signal()
