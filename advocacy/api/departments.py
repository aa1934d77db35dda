"""``departments/``: CRUD. Deleting one keeps its members, with no department."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from ..models import Department
from ..permissions import Capability
from ..selectors import departments_of
from ..services import departments as services
from .base import OrgScopedViewSet


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ("id", "name", "created_at")
        read_only_fields = ("id", "created_at")
        validators: list[Any] = []  # uniqueness per organization: the service says it


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
            actor=self.membership, name=serializer.validated_data["name"]
        )
        return Response(DepartmentSerializer(department).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        department = self.get_object()
        serializer = DepartmentSerializer(department, data=request.data)
        serializer.is_valid(raise_exception=True)
        department = services.department_rename(
            actor=self.membership, department=department, name=serializer.validated_data["name"]
        )
        return Response(DepartmentSerializer(department).data)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.department_delete(actor=self.membership, department=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
