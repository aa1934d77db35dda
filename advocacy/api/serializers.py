"""Small serializers the member-administration endpoints share."""

from __future__ import annotations

from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Department


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
