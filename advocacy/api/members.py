"""Member administration API: members, invitations, departments and the audit log,
under ``/api/v1/orgs/<org_slug>/``. Serializers validate; services change state."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from .. import services
from ..models import AuditLogEntry, Department, Invitation, Membership, Role
from ..permissions import Capability
from ..selectors import (
    audit_log_entries,
    departments_of,
    invitations_open,
    members_search,
)
from .base import OrgScopedViewSet
from .pagination import IdCursorPagination

# --- Serializers ---------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class OrgDepartmentField(serializers.PrimaryKeyRelatedField):
    """A department id, looked up inside the organization of the request only."""

    def get_queryset(self) -> models.QuerySet:
        organization = self.context["organization"]
        return Department.objects.for_org(organization)


class DepartmentSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class UserSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()


class MemberSerializer(serializers.ModelSerializer):
    user = UserSummarySerializer(read_only=True)
    department = DepartmentSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Membership
        fields = (
            "id",
            "user",
            "role",
            "department",
            "location",
            "language",
            "job_title",
            "external_id",
            "is_active",
            "joined_at",
            "deactivated_at",
        )
        read_only_fields = fields


class MemberUpdateSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    department = OrgDepartmentField(required=False, allow_null=True)
    location = serializers.CharField(required=False, allow_blank=True, max_length=120)
    language = serializers.ChoiceField(
        choices=[("", ""), *settings.LANGUAGES], required=False, allow_blank=True
    )
    job_title = serializers.CharField(required=False, allow_blank=True, max_length=120)
    external_id = serializers.CharField(required=False, allow_blank=True, max_length=64)


class MemberFilterSerializer(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=100)
    role = serializers.ChoiceField(choices=Role.choices, required=False, allow_blank=True)
    department = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(
        choices=["active", "inactive", "all"], required=False, default="active"
    )


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
        )
        read_only_fields = fields

    def get_status(self, obj: Invitation) -> str:
        return services.invitation_status(obj)


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    role = serializers.CharField(required=False, default=Role.EMPLOYEE, max_length=32)
    department = OrgDepartmentField(required=False, allow_null=True, default=None)
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=150)


class InvitationBulkSerializer(serializers.Serializer):
    invitations = InvitationCreateSerializer(many=True, allow_empty=False)

    def validate_invitations(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(value) > services.MAX_INVITATION_ROWS:
            raise serializers.ValidationError(
                f"At most {services.MAX_INVITATION_ROWS} invitations at a time."
            )
        return value


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ("id", "name", "created_at")
        read_only_fields = ("id", "created_at")
        validators: list[Any] = []  # uniqueness per organization: the service says it


class AuditLogEntrySerializer(serializers.ModelSerializer):
    actor = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = AuditLogEntry
        fields = ("id", "created_at", "actor", "action", "target_type", "target_id", "data")
        read_only_fields = fields


# --- Viewsets ------------------------------------------------------------------------


class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    """Members of the organization: list (``?search=&role=&department=&status=``),
    retrieve, partial update of role and profile, deactivate, reactivate."""

    model = Membership
    lookup_url_kwarg = "member_id"
    lookup_value_regex = "[0-9]+"
    serializer_class = MemberSerializer
    pagination_class = IdCursorPagination
    capabilities = {
        "list": Capability.VIEW_MEMBERS,
        "retrieve": Capability.VIEW_MEMBERS,
        "partial_update": Capability.MANAGE_MEMBERS,
        "deactivate": Capability.MANAGE_MEMBERS,
        "reactivate": Capability.MANAGE_MEMBERS,
    }

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        if self.action != "list":
            return queryset.select_related("user", "department")
        filters = MemberFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return members_search(
            organization=self.organization,
            search=data.get("search", ""),
            role=data.get("role", ""),
            department_id=data.get("department"),
            status=data.get("status", "active"),
        )

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "partial_update":
            return MemberUpdateSerializer
        return MemberSerializer

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = self.get_object()
        serializer = MemberUpdateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        member = services.member_update(
            organization=self.organization,
            actor=request.user,
            membership=member,
            **serializer.validated_data,
        )
        return Response(MemberSerializer(member).data)

    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = services.member_deactivate(
            organization=self.organization, actor=request.user, membership=self.get_object()
        )
        return Response(MemberSerializer(member).data)

    @action(detail=True, methods=["post"])
    def reactivate(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = services.member_reactivate(
            organization=self.organization, actor=request.user, membership=self.get_object()
        )
        return Response(MemberSerializer(member).data)


class InvitationViewSet(mixins.ListModelMixin, OrgScopedViewSet):
    """Open invitations (pending and expired): list, create one, ``bulk`` (all or none),
    ``revoke``, ``resend``. Tokens are never returned: they travel only by e-mail."""

    model = Invitation
    lookup_url_kwarg = "invitation_id"
    lookup_value_regex = "[0-9]+"
    serializer_class = InvitationSerializer
    pagination_class = IdCursorPagination
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
        invitation = services.invitation_create(
            organization=self.organization, actor=request.user, **serializer.validated_data
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
            services.InvitationRow(
                email=item["email"],
                role=item["role"],
                department=item["department"],
                name=item["name"],
                line=i,
            )
            for i, item in enumerate(serializer.validated_data["invitations"], start=1)
        ]
        try:
            invitations = services.invitations_create(
                organization=self.organization, actor=request.user, rows=rows
            )
        except services.InvitationRowsInvalid as exc:
            raise ValidationError({"invitations": [r.errors for r in exc.reports]}) from exc
        return Response(
            {"invitations": InvitationSerializer(invitations, many=True).data},
            status=status.HTTP_201_CREATED,
        )

    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        invitation = services.invitation_revoke(
            organization=self.organization, actor=request.user, invitation=self.get_object()
        )
        return Response(InvitationSerializer(invitation).data)

    @action(detail=True, methods=["post"])
    def resend(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        invitation = services.invitation_resend(
            organization=self.organization, actor=request.user, invitation=self.get_object()
        )
        return Response(InvitationSerializer(invitation).data)


class DepartmentViewSet(OrgScopedViewSet):
    """Departments: CRUD. Deleting one keeps its members, with no department."""

    model = Department
    lookup_url_kwarg = "department_id"
    lookup_value_regex = "[0-9]+"
    serializer_class = DepartmentSerializer
    pagination_class = None  # departments are few; the list is whole and ordered by name
    capabilities = {
        "list": Capability.VIEW_MEMBERS,
        "retrieve": Capability.VIEW_MEMBERS,
        "create": Capability.MANAGE_DEPARTMENTS,
        "update": Capability.MANAGE_DEPARTMENTS,
        "partial_update": Capability.MANAGE_DEPARTMENTS,
        "destroy": Capability.MANAGE_DEPARTMENTS,
    }

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        departments = departments_of(organization=self.organization)
        return Response(DepartmentSerializer(departments, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(DepartmentSerializer(self.get_object()).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = DepartmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        department = services.department_create(
            organization=self.organization,
            actor=request.user,
            name=serializer.validated_data["name"],
        )
        return Response(DepartmentSerializer(department).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        department = self.get_object()
        serializer = DepartmentSerializer(department, data=request.data)
        serializer.is_valid(raise_exception=True)
        department = services.department_rename(
            organization=self.organization,
            actor=request.user,
            department=department,
            name=serializer.validated_data["name"],
        )
        return Response(DepartmentSerializer(department).data)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.department_delete(
            organization=self.organization, actor=request.user, department=self.get_object()
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class AuditLogCursorPagination(IdCursorPagination):
    ordering = ("-created_at", "-id")


class AuditLogViewSet(mixins.ListModelMixin, OrgScopedViewSet):
    """The organization's audit log, newest first; ``?action=`` filters by action."""

    model = AuditLogEntry
    serializer_class = AuditLogEntrySerializer
    pagination_class = AuditLogCursorPagination
    capabilities = {"list": Capability.VIEW_AUDIT_LOG}

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        action_name = (self.request.query_params.get("action") or "").strip()[:64]
        return audit_log_entries(organization=self.organization, action=action_name)
