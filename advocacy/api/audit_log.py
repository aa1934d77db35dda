"""``audit-log/``: the organization's audit log, newest first; ``?action=`` filters."""

from __future__ import annotations

from django.db import models
from rest_framework import mixins, serializers

from ..models import AuditLogEntry
from ..permissions import Capability
from ..selectors import audit_log_entries
from .base import OrgScopedViewSet
from .filters import text_filters
from .pagination import KeysetPagination
from .serializers import UserSummarySerializer


class AuditLogEntrySerializer(serializers.ModelSerializer):
    actor = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = AuditLogEntry
        fields = ("id", "created_at", "actor", "action", "target_type", "target_id", "data")
        read_only_fields = fields


# --- Viewsets ------------------------------------------------------------------------


class AuditLogCursorPagination(KeysetPagination):
    ordering = ("-created_at", "-id")


class AuditLogViewSet(mixins.ListModelMixin, OrgScopedViewSet):
    """The organization's audit log, newest first; ``?action=`` filters by action."""

    model = AuditLogEntry
    serializer_class = AuditLogEntrySerializer
    pagination_class = AuditLogCursorPagination
    capabilities = {"list": Capability.VIEW_AUDIT_LOG}

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        action_name = text_filters(self.request.query_params, ("action",))["action"]
        action_name = action_name.strip()[:64]
        return audit_log_entries(organization=self.organization, action=action_name)
