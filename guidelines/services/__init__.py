"""Writes of guidelines, one module per feature: ``documents`` (documents, versions, their
publication, acknowledgements), ``images``, ``rules`` (caption rules) and ``reminders``.
Every write takes the acting ``Membership`` as ``actor`` and checks its capability itself
(``access.require_capability``). The names are re-exported here for callers."""

from .documents import (
    policy_acknowledge,
    policy_document_create,
    policy_document_update,
    policy_version_draft_save,
    policy_version_publish,
    policy_version_update,
)
from .images import policy_image_delete, policy_image_upload
from .reminders import policy_reminders_send
from .rules import (
    guideline_rule_create,
    guideline_rule_delete,
    guideline_rule_set_active,
    guideline_rule_update,
)

__all__ = [
    "guideline_rule_create",
    "guideline_rule_delete",
    "guideline_rule_set_active",
    "guideline_rule_update",
    "policy_acknowledge",
    "policy_document_create",
    "policy_document_update",
    "policy_image_delete",
    "policy_image_upload",
    "policy_reminders_send",
    "policy_version_draft_save",
    "policy_version_publish",
    "policy_version_update",
]
