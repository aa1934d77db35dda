"""RSS/Atom feed sources."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from advocacy.api.base import OrgScopedViewSet
from advocacy.permissions import Capability

from ..models import FeedSource
from ..services.sources import (
    feed_source_create,
    feed_source_delete,
    feed_source_request_import,
    feed_source_update,
)


class FeedSourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeedSource
        fields = (
            "id",
            "name",
            "url",
            "language",
            "category",
            "is_company_content",
            "is_paused",
            "last_fetched_at",
            "last_success_at",
            "last_error",
            "items_imported",
        )
        read_only_fields = (
            "id",
            "last_fetched_at",
            "last_success_at",
            "last_error",
            "items_imported",
        )
        extra_kwargs = {"url": {"validators": []}, "language": {"required": False}}


class FeedSourceViewSet(OrgScopedViewSet):
    model = FeedSource
    lookup_url_kwarg = "source_id"
    serializer_class = FeedSourceSerializer
    capabilities = {
        "list": Capability.MANAGE_CONTENT,
        "retrieve": Capability.MANAGE_CONTENT,
        "create": Capability.MANAGE_CONTENT,
        "partial_update": Capability.MANAGE_CONTENT,
        "destroy": Capability.MANAGE_CONTENT,
        "import_now": Capability.MANAGE_CONTENT,
    }

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(FeedSourceSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(FeedSourceSerializer(self.get_object()).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = FeedSourceSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        source = feed_source_create(actor=self.membership, **ser.validated_data)
        return Response(FeedSourceSerializer(source).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        source = self.get_object()
        ser = FeedSourceSerializer(data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        source = feed_source_update(actor=self.membership, source=source, **ser.validated_data)
        return Response(FeedSourceSerializer(source).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        feed_source_delete(actor=self.membership, source=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={202: None})
    @action(detail=True, methods=["post"], url_path="import")
    def import_now(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        feed_source_request_import(actor=self.membership, source=self.get_object())
        return Response(status=status.HTTP_202_ACCEPTED)
