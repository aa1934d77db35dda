"""Small serializers the member-administration endpoints share."""

from __future__ import annotations

from typing import Any

from django.conf import settings
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


class BlankAsNullURLField(serializers.URLField):
    """A link that may be unset: stored as "" (a model ``URLField(blank=True)``), answered as
    ``null``, so that a value declared as a URI is always one."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return str(value) if value else None


class BlankAsNullLanguageField(serializers.ChoiceField):
    """A language that may be unset ("" in the database: the organization's default applies),
    answered as ``null`` rather than as "" outside the language enum."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("choices", settings.LANGUAGES)
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return str(value) if value else None


class DepartmentSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class UserSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()
