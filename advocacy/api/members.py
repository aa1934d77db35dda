"""``members/``: list (``?search=&role=&department=&status=``), retrieve, partial update of
role and profile, ``deactivate``, ``reactivate``. Serializers validate; services change
state and check the actor's capability."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from ..models import Membership, Role
from ..permissions import Capability
from ..selectors import members_search
from ..services import members as services
from .base import OrgScopedViewSet
from .filters import ChoiceFilterField
from .serializers import (
    BlankAsNullLanguageField,
    DepartmentSummarySerializer,
    OrgDepartmentField,
    UserSummarySerializer,
)


class MemberSerializer(serializers.ModelSerializer):
    user = UserSummarySerializer(read_only=True)
    department = DepartmentSummarySerializer(read_only=True, allow_null=True)
    language = BlankAsNullLanguageField()

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
    role = ChoiceFilterField(choices=Role.choices, required=False, allow_blank=True)
    department = serializers.IntegerField(required=False, min_value=1)
    status = ChoiceFilterField(
        choices=["active", "inactive", "all"], required=False, default="active"
    )


class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    """Members of the organization: list (``?search=&role=&department=&status=``),
    retrieve, partial update of role and profile, deactivate, reactivate."""

    model = Membership
    lookup_url_kwarg = "member_id"
    lookup_value_regex = "[0-9]+"
    serializer_class = MemberSerializer
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

    @extend_schema(request=MemberUpdateSerializer, responses=MemberSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = self.get_object()
        serializer = MemberUpdateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        member = services.member_update(
            actor=self.membership, membership=member, **serializer.validated_data
        )
        return Response(MemberSerializer(member).data)

    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = services.member_deactivate(actor=self.membership, membership=self.get_object())
        return Response(MemberSerializer(member).data)

    @action(detail=True, methods=["post"])
    def reactivate(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = services.member_reactivate(actor=self.membership, membership=self.get_object())
        return Response(MemberSerializer(member).data)
