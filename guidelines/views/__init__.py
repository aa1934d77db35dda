"""Guidelines pages under ``/o/<org_slug>/guidelines/``, one module per feature:
``documents`` (reading and accepting, for everyone), ``editing`` (document administration),
``versions`` (a version, what changed, publishing), ``images``, ``acceptances`` (who has
accepted, reminders), ``rules`` (caption rules) and ``checker`` (the live caption check).
``base`` holds the pages' common base."""

from .acceptances import DocumentAcceptancesView, DocumentRemindView
from .base import GuidelinesPageView
from .checker import CaptionCheckView
from .documents import DocumentAcknowledgeView, DocumentDetailView, DocumentListView
from .editing import DocumentCreateView, DocumentEditView, DocumentPreviewView
from .images import ImageDeleteView, ImageUploadView
from .rules import RuleCreateView, RuleDeleteView, RuleEditView, RuleListView, RuleToggleView
from .versions import VersionDetailView, VersionPublishView

__all__ = [
    "CaptionCheckView",
    "DocumentAcceptancesView",
    "DocumentAcknowledgeView",
    "DocumentCreateView",
    "DocumentDetailView",
    "DocumentEditView",
    "DocumentListView",
    "DocumentPreviewView",
    "DocumentRemindView",
    "GuidelinesPageView",
    "ImageDeleteView",
    "ImageUploadView",
    "RuleCreateView",
    "RuleDeleteView",
    "RuleEditView",
    "RuleListView",
    "RuleToggleView",
    "VersionDetailView",
    "VersionPublishView",
]
