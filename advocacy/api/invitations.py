"""``invitations/``: open invitations (pending and expired), create one, ``bulk`` (all or
none), ``revoke``, ``resend``. Tokens are never returned: they travel only by e-mail."""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from ..models import Invitation, Role
from ..permissions import Capability
from ..selectors import invitations_open
from ..services import invitation_rows, invitations
from .base import OrgScopedViewSet
from .serializers import DepartmentSummarySerializer, OrgDepartmentField


class InvitationSerializer(serializers.ModelSerializer):
    department = DepartmentSummarySerializer(read_only=True, allow_null=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = (
            "id",
            "email",
            "name",
            "role",
            "department",
            "status",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
            "expired_at",
        )
        read_only_fields = fields

    def get_status(self, obj: Invitation) -> str:
        return invitations.invitation_status(obj)


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    role = serializers.CharField(required=False, default=Role.EMPLOYEE, max_length=32)
    department = OrgDepartmentField(required=False, allow_null=True, default=None)
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=150)


class InvitationBulkSerializer(serializers.Serializer):
    invitations = InvitationCreateSerializer(many=True, allow_empty=False)

    def validate_invitations(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(value) > invitation_rows.MAX_INVITATION_ROWS:
            raise serializers.ValidationError(
                f"At most {invitation_rows.MAX_INVITATION_ROWS} invitations at a time."
            )
        return value


class InvitationViewSet(mixins.ListModelMixin, OrgScopedViewSet):
    """Open invitations (pending and expired): list, create one, ``bulk`` (all or none),
    ``revoke``, ``resend``. Tokens are never returned: they travel only by e-mail."""

    model = Invitation
    lookup_url_kwarg = "invitation_id"
    lookup_value_regex = "[0-9]+"
    serializer_class = InvitationSerializer
    capabilities = {
        "list": Capability.VIEW_MEMBERS,
        "create": Capability.MANAGE_MEMBERS,
        "bulk": Capability.MANAGE_MEMBERS,
        "revoke": Capability.MANAGE_MEMBERS,
        "resend": Capability.MANAGE_MEMBERS,
    }

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        if self.action == "list":
            return invitations_open(organization=self.organization)
        return queryset.select_related("department")

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "create":
            return InvitationCreateSerializer
        if self.action == "bulk":
            return InvitationBulkSerializer
        return InvitationSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = InvitationCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        invitation = invitations.invitation_create(
            actor=self.membership, **serializer.validated_data
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @action(detail=False, methods=["post"])
    def bulk(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Invite everyone in ``{"invitations": [{email, role, department, name}, …]}`` or
        nobody; a 400 lists each row's errors at its index."""
        serializer = InvitationBulkSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        rows = [
            invitation_rows.InvitationRow(
                email=item["email"],
                role=item["role"],
                department=item["department"],
                name=item["name"],
                line=i,
            )
            for i, item in enumerate(serializer.validated_data["invitations"], start=1)
        ]
        try:
            created = invitations.invitations_create(actor=self.membership, rows=rows)
        except invitation_rows.InvitationRowsInvalid as exc:
            raise ValidationError({"invitations": [r.errors for r in exc.reports]}) from exc
        return Response(
            {"invitations": InvitationSerializer(created, many=True).data},
            status=status.HTTP_201_CREATED,
        )

    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        invitation = invitations.invitation_revoke(
            actor=self.membership, invitation=self.get_object()
        )
        return Response(InvitationSerializer(invitation).data)

    @action(detail=True, methods=["post"])
    def resend(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        invitation = invitations.invitation_resend(
            actor=self.membership, invitation=self.get_object()
        )
        return Response(InvitationSerializer(invitation).data)
