"""Rewards and redemptions under ``/api/v1/orgs/<org_slug>/``.

* ``rewards/``: the catalogue. Members list and open active rewards; managers
  (``manage_rewards``) see inactive ones too (``?active=false``), create (multipart for the
  image) and edit them.
* ``redemptions/``: members list their own requests; managers list everyone's
  (``?mine=true`` for their own), filtered by ``?status=``. ``POST`` redeems a reward
  (send a ``request_key`` so that a retried call makes no second request);
  ``approve``/``reject``/``fulfil`` (managers) and ``cancel`` (the requester) move it.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from advocacy.api.base import OrgScopedViewSet
from advocacy.api.filters import BOOLEAN_VALUES, choice_filters
from advocacy.api.routers import Router
from advocacy.permissions import Capability, has_capability
from content_library.validators import inspect_image

from ..models import Redemption, RedemptionStatus, Reward
from ..selectors.rewards import redemptions_of_member, redemptions_queue, rewards_of_org
from ..services.rewards import (
    MAX_COST,
    MAX_STOCK,
    NOTE_MAX,
    redemption_approve,
    redemption_cancel,
    redemption_fulfil,
    redemption_reject,
    reward_create,
    reward_redeem_or_replay,
    reward_update,
)

# --- Serializers ---------------------------------------------------------------------


class RewardSerializer(serializers.ModelSerializer):
    image_url = serializers.SerializerMethodField()

    class Meta:
        model = Reward
        fields = (
            "id",
            "name",
            "description",
            "image_url",
            "image_alt_text",
            "cost",
            "stock",
            "is_active",
            "created_at",
        )
        read_only_fields = fields
        extra_kwargs = {
            "cost": {"help_text": "Spendable points a request holds."},
            "stock": {"help_text": "Units left to request; null: unlimited."},
        }

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_image_url(self, obj: Reward) -> str | None:
        return obj.image.url if obj.image else None


class RewardWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=160, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    cost = serializers.IntegerField(required=False, min_value=1, max_value=MAX_COST)
    stock = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_STOCK
    )
    image = serializers.FileField(required=False, allow_null=True)
    remove_image = serializers.BooleanField(required=False, default=False)
    image_alt_text = serializers.CharField(required=False, allow_blank=True, max_length=300)
    is_active = serializers.BooleanField(required=False)

    def validate_image(self, value: Any) -> Any:
        if value:
            inspect_image(value)
        return value


class RedemptionSerializer(serializers.ModelSerializer):
    reward = serializers.SerializerMethodField()
    member = serializers.SerializerMethodField()

    class Meta:
        model = Redemption
        fields = (
            "id",
            "reward",
            "member",
            "cost",
            "status",
            "requested_at",
            "decided_at",
            "decision_note",
            "fulfilled_at",
            "fulfilment_note",
        )
        read_only_fields = fields
        extra_kwargs = {"cost": {"help_text": "Spendable points this request holds or spent."}}

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            "required": ["id", "name"],
        }
    )
    def get_reward(self, obj: Redemption) -> dict[str, Any]:
        return {"id": obj.reward_id, "name": obj.reward.name}

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            "required": ["id", "name"],
        }
    )
    def get_member(self, obj: Redemption) -> dict[str, Any]:
        user = obj.membership.user
        return {"id": obj.membership_id, "name": user.name or user.email}


class RedeemSerializer(serializers.Serializer):
    reward = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    request_key = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="Your idempotency key: sending it again returns the same redemption.",
    )


class RedemptionNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX)


class RejectionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=NOTE_MAX, help_text="What the member reads.")


# --- Viewsets ------------------------------------------------------------------------


def _manages(membership: Any) -> bool:
    return has_capability(membership, Capability.MANAGE_REWARDS)


class RewardViewSet(OrgScopedViewSet):
    """The rewards catalogue."""

    model = Reward
    lookup_url_kwarg = "reward_id"
    lookup_value_regex = "[0-9]+"
    serializer_class = RewardSerializer
    capabilities = {
        "list": Capability.VIEW_FEED,
        "retrieve": Capability.VIEW_FEED,
        "create": Capability.MANAGE_REWARDS,
        "partial_update": Capability.MANAGE_REWARDS,
    }

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        manager = _manages(self.membership)
        qs = rewards_of_org(organization=self.organization, active_only=not manager)
        if self.action == "list" and manager:
            wanted = choice_filters(self.request.query_params, {"active": BOOLEAN_VALUES})
            if wanted["active"]:
                qs = qs.filter(is_active=wanted["active"] in ("true", "1"))
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "active", bool, description="Managers: only active (true) or inactive (false)."
            )
        ],
        responses=RewardSerializer(many=True),
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Ordered by cost for people; paged by id so that a cursor is exact.
        page = self.paginate_queryset(self.get_queryset().order_by("-id"))
        return self.get_paginated_response(RewardSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(RewardSerializer(self.get_object()).data)

    @extend_schema(request=RewardWriteSerializer, responses={201: RewardSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = RewardWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        missing = {f: ["This field is required."] for f in ("name", "cost") if f not in data}
        if missing:
            raise DRFValidationError(missing)
        data.pop("remove_image", None)
        reward = reward_create(actor=self.membership, **data)
        return Response(RewardSerializer(reward).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RewardWriteSerializer, responses=RewardSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        reward = self.get_object()
        ser = RewardWriteSerializer(data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        reward = reward_update(actor=self.membership, reward=reward, **ser.validated_data)
        return Response(RewardSerializer(reward).data)


class RedemptionViewSet(OrgScopedViewSet):
    """Requests for rewards: the member's own, or (managers) everyone's."""

    model = Redemption
    lookup_url_kwarg = "redemption_id"
    lookup_value_regex = "[0-9]+"
    serializer_class = RedemptionSerializer
    capabilities = {
        "list": Capability.VIEW_FEED,
        "retrieve": Capability.VIEW_FEED,
        "create": Capability.VIEW_FEED,
        "cancel": Capability.VIEW_FEED,
        "approve": Capability.MANAGE_REWARDS,
        "reject": Capability.MANAGE_REWARDS,
        "fulfil": Capability.MANAGE_REWARDS,
    }

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        params = self.request.query_params if self.action == "list" else {}
        wanted = choice_filters(params, {"status": RedemptionStatus.values, "mine": BOOLEAN_VALUES})
        if _manages(self.membership) and wanted["mine"] not in ("true", "1"):
            return redemptions_queue(organization=self.organization, status=wanted["status"])
        qs = redemptions_of_member(membership=self.membership).select_related("membership__user")
        return qs.filter(status=wanted["status"]) if wanted["status"] else qs

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=RedemptionStatus.values),
            OpenApiParameter("mine", bool, description="Managers: only your own requests."),
        ],
        responses=RedemptionSerializer(many=True),
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(RedemptionSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(RedemptionSerializer(self.get_object()).data)

    def _fresh(self, redemption: Redemption, code: int = status.HTTP_200_OK) -> Response:
        fresh = (
            Redemption.objects.for_org(self.organization)
            .select_related("reward", "membership__user")
            .get(pk=redemption.pk)
        )
        return Response(RedemptionSerializer(fresh).data, status=code)

    @extend_schema(
        request=RedeemSerializer,
        responses={201: RedemptionSerializer, 200: RedemptionSerializer},
        description="Redeem a reward: one unit of stock is taken and its cost in spendable "
        "points held, together or not at all. 200 with the earlier redemption when this "
        "request_key was used before.",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = RedeemSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        reward = (
            rewards_of_org(organization=self.organization, active_only=False)
            .filter(pk=data["reward"])
            .first()
        )
        if reward is None:
            raise DRFValidationError({"reward": ["Choose a reward of this organization."]})
        redemption, new = reward_redeem_or_replay(
            actor=self.membership, reward=reward, request_key=data.get("request_key", "")
        )
        return self._fresh(redemption, status.HTTP_201_CREATED if new else status.HTTP_200_OK)

    @extend_schema(request=RedemptionNoteSerializer, responses=RedemptionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        redemption = self.get_object()
        ser = RedemptionNoteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._fresh(
            redemption_approve(
                actor=self.membership,
                redemption=redemption,
                note=ser.validated_data.get("note", ""),
            )
        )

    @extend_schema(request=RejectionSerializer, responses=RedemptionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Rejected with a reason; the points and the unit of stock go back."""
        redemption = self.get_object()
        ser = RejectionSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._fresh(
            redemption_reject(
                actor=self.membership,
                redemption=redemption,
                reason=ser.validated_data["reason"],
            )
        )

    @extend_schema(request=RedemptionNoteSerializer, responses=RedemptionSerializer)
    @action(detail=True, methods=["post"])
    def fulfil(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        redemption = self.get_object()
        ser = RedemptionNoteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._fresh(
            redemption_fulfil(
                actor=self.membership,
                redemption=redemption,
                note=ser.validated_data.get("note", ""),
            )
        )

    @extend_schema(request=None, responses=RedemptionSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The requester withdraws a request nobody has decided; points and stock go back."""
        return self._fresh(redemption_cancel(actor=self.membership, redemption=self.get_object()))


router = Router(trailing_slash=True)
router.register("rewards", RewardViewSet, basename="api_rewards")
router.register("redemptions", RedemptionViewSet, basename="api_redemptions")

urlpatterns = router.urls
