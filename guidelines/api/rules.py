"""``rules/``: caption rules (admins). Bad regular expressions answer 400 with a field
error."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from advocacy.api.base import OrgScopedViewSet
from advocacy.networks import Network
from advocacy.permissions import Capability

from .. import services
from ..models import GuidelineRule

MANAGE = Capability.MANAGE_GUIDELINES


class GuidelineRuleSerializer(serializers.ModelSerializer):
    networks = serializers.ListField(
        child=serializers.ChoiceField(choices=Network.choices), required=False, allow_empty=True
    )

    class Meta:
        model = GuidelineRule
        fields = (
            "id",
            "kind",
            "networks",
            "pattern",
            "replacement",
            "max_length",
            "severity",
            "message",
            "is_active",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "created_at", "updated_at")

    def create(self, validated_data: dict[str, Any]) -> GuidelineRule:
        is_active = validated_data.pop("is_active", True)
        actor = self.context["membership"]
        rule = services.guideline_rule_create(actor=actor, **validated_data)
        if not is_active:
            rule = services.guideline_rule_set_active(actor=actor, rule=rule, is_active=False)
        return rule

    def update(self, instance: GuidelineRule, validated_data: dict[str, Any]) -> GuidelineRule:
        return services.guideline_rule_update(
            actor=self.context["membership"], rule=instance, **validated_data
        )


class GuidelineRuleViewSet(OrgScopedViewSet):
    """Caption rules (admins). Bad regular expressions answer 400 with a field error."""

    model = GuidelineRule
    queryset = GuidelineRule.objects.none()  # only tells the schema the model; see get_queryset
    lookup_url_kwarg = "rule_id"
    lookup_value_regex = "[0-9]+"
    serializer_class = GuidelineRuleSerializer
    capabilities = {
        "list": MANAGE,
        "retrieve": MANAGE,
        "create": MANAGE,
        "update": MANAGE,
        "partial_update": MANAGE,
        "destroy": MANAGE,
    }

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = serializer.save()
        return Response(self.get_serializer(rule).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        rule = serializer.save()
        return Response(self.get_serializer(rule).data)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.guideline_rule_delete(actor=self.membership, rule=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
