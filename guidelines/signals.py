"""Signals of guidelines: how policies tell other apps (notifications) what happened, without
importing them. Each is sent on commit."""

from __future__ import annotations

from django.dispatch import Signal

#: A policy version was published. kwargs: ``organization_id``, ``version_id``,
#: ``document_id``.
policy_version_published = Signal()
