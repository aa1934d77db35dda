"""Employee suggestions and their review."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from advocacy.api.base import OrgScopedViewSet
from advocacy.api.filters import choice_filters
from advocacy.api.serializers import BlankAsNullURLField
from advocacy.permissions import Capability

from ..models import (
    Category,
    ContentItem,
    ContentSuggestion,
    Kind,
    SuggestionKind,
    SuggestionStatus,
)
from ..selectors.review import suggestions_for
from ..services.item_parts import CaptionInput
from ..services.suggestions import suggestion_accept, suggestion_decline, suggestion_submit
from ..validators import inspect_image
from .items import CaptionSerializer, ContentItemSerializer, ReasonSerializer


class SuggestionSerializer(serializers.ModelSerializer):
    submitted_by = serializers.SerializerMethodField()
    image_url = serializers.SerializerMethodField()
    url = BlankAsNullURLField()

    class Meta:
        model = ContentSuggestion
        fields = (
            "id",
            "kind",
            "url",
            "title",
            "text",
            "note",
            "image_url",
            "status",
            "decline_reason",
            "item",
            "submitted_by",
            "created_at",
            "reviewed_at",
        )
        read_only_fields = fields

    def get_submitted_by(self, obj: ContentSuggestion) -> str:
        return str(obj.submitted_by.user)

    def get_image_url(self, obj: ContentSuggestion) -> str | None:
        return obj.image.url if obj.image else None


class SuggestionCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SuggestionKind.choices)
    url = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    text = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)
    image = serializers.FileField(required=False, allow_null=True)

    def validate_image(self, value: Any) -> Any:
        if value:
            inspect_image(value)
        return value


class SuggestionAcceptSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    body = serializers.CharField(required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    is_company_content = serializers.BooleanField(required=False)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    captions = CaptionSerializer(many=True, required=False)
    approve = serializers.BooleanField(required=False, default=False)


class SuggestionViewSet(OrgScopedViewSet):
    """Employee suggestions: everyone submits and lists their own; curators open and review all."""

    model = ContentSuggestion
    lookup_url_kwarg = "suggestion_id"
    serializer_class = SuggestionSerializer
    capabilities = {
        "list": Capability.SUGGEST_CONTENT,
        "retrieve": Capability.APPROVE_CONTENT,
        "create": Capability.SUGGEST_CONTENT,
        "accept": Capability.APPROVE_CONTENT,
        "decline": Capability.APPROVE_CONTENT,
    }

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        qs = suggestions_for(membership=self.membership)
        if self.action == "list":
            allowed = {"status": SuggestionStatus.values}
            wanted = choice_filters(self.request.query_params, allowed)["status"]
            if wanted:
                qs = qs.filter(status=wanted)
        return qs

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(SuggestionSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(SuggestionSerializer(self.get_object()).data)

    @extend_schema(request=SuggestionCreateSerializer, responses=SuggestionSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = SuggestionCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        s = suggestion_submit(actor=self.membership, **ser.validated_data)
        return Response(SuggestionSerializer(s).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SuggestionAcceptSerializer, responses={201: ContentItemSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = SuggestionAcceptSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        approve = data.pop("approve", False)
        if "captions" in data:
            data["captions"] = [CaptionInput(**c) for c in data["captions"]]
        item = suggestion_accept(
            actor=self.membership, suggestion=self.get_object(), approve=approve, **data
        )
        item = (
            ContentItem.objects.for_org(self.organization)
            .prefetch_related("captions", "images", "topics")
            .select_related("suggested_by__user")
            .get(pk=item.pk)
        )
        return Response(ContentItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses=SuggestionSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = ReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        s = suggestion_decline(
            actor=self.membership,
            suggestion=self.get_object(),
            reason=ser.validated_data.get("reason", ""),
        )
        return Response(SuggestionSerializer(s).data)
