"""The organization's topics."""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from advocacy.api.base import OrgScopedViewSet
from advocacy.permissions import Capability

from ..models import Topic
from ..services.topics import topic_create, topic_delete


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ("id", "name")


class TopicViewSet(OrgScopedViewSet, mixins.ListModelMixin):
    model = Topic
    lookup_url_kwarg = "topic_id"
    serializer_class = TopicSerializer
    capabilities = {
        "list": Capability.VIEW_FEED,
        "create": Capability.MANAGE_CONTENT,
        "destroy": Capability.MANAGE_CONTENT,
    }

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.order_by("-id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = TopicSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        topic = topic_create(actor=self.membership, name=ser.validated_data["name"])
        return Response(TopicSerializer(topic).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        topic_delete(actor=self.membership, topic=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
