"""API of raffles under ``/api/v1/orgs/<org_slug>/raffles/``.

* ``GET raffles/``: raffles the caller may read (managers: all; employees: those of period and
  of campaigns out and aimed at them), newest first (cursor).
* ``POST raffles/`` (managers): create one; the commitment is published at once.
* ``GET raffles/<raffle_id>/``: one raffle, with the caller's pseudonym and standing.
* ``POST raffles/<raffle_id>/close/``, ``POST raffles/<raffle_id>/draw/`` (managers).
* ``GET raffles/<raffle_id>/proof/``: the published values (what the public
  ``/raffles/<public_id>/proof.json`` answers).

The seed is in no answer before the raffle is drawn (``seed`` is null).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from advocacy.api.base import ANY_MEMBER, OrgScopedViewSet
from advocacy.api.routers import Router
from advocacy.permissions import Capability, has_capability

from ..models import Campaign, Raffle, RaffleStatus
from ..selectors import raffles as sel
from ..services import raffles as services
from ..services.raffles import MAX_MIN_SHARES, MAX_WINNERS, PUBLIC_VALUE_MAX

# --- Serializers ---------------------------------------------------------------------


class RaffleStandingSerializer(serializers.Serializer):
    pseudonym = serializers.CharField(help_text="Your pseudonym in this raffle's list.")
    shares = serializers.IntegerField(help_text="Your shares that count (so far, while open).")
    eligible = serializers.BooleanField()
    tickets = serializers.IntegerField(help_text="Your entries in the draw.")
    rank = serializers.IntegerField(allow_null=True, help_text="Your prize rank if you won.")


class RaffleSerializer(serializers.ModelSerializer):
    seed = serializers.SerializerMethodField(help_text="Null until the raffle is drawn.")
    public_url = serializers.SerializerMethodField()
    winners = serializers.SerializerMethodField(
        help_text="Winners' pseudonyms, first prize first (empty until drawn)."
    )
    me = serializers.SerializerMethodField()

    class Meta:
        model = Raffle
        fields = (
            "id",
            "public_id",
            "public_url",
            "campaign",
            "title",
            "prize",
            "winners_count",
            "min_shares",
            "entry_per_share",
            "period_start",
            "period_end",
            "closes_at",
            "status",
            "algorithm",
            "commitment",
            "entries_hash",
            "entries_frozen_at",
            "public_value",
            "seed",
            "drawn_at",
            "winners",
            "me",
            "created_at",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_seed(self, obj: Raffle) -> str | None:
        return sel.raffle_seed_if_revealed(obj)

    @extend_schema_field(OpenApiTypes.URI)
    def get_public_url(self, obj: Raffle) -> str:
        path = reverse("raffle_public", args=[obj.public_id])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_winners(self, obj: Raffle) -> list[str]:
        if obj.status != RaffleStatus.DRAWN:
            return []
        return [w.entry.pseudonym for w in sorted(obj.winners.all(), key=lambda w: w.rank)]

    @extend_schema_field(RaffleStandingSerializer(allow_null=True))
    def get_me(self, obj: Raffle) -> dict[str, Any] | None:
        membership = self.context.get("membership")
        if membership is None or not self.context.get("with_standing"):
            return None
        standing = sel.raffle_member_standing(raffle=obj, membership=membership)
        return RaffleStandingSerializer(standing).data


class RaffleCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=160)
    prize = serializers.CharField(max_length=300)
    campaign = serializers.IntegerField(
        required=False, allow_null=True, help_text="Id of one of the organization's campaigns."
    )
    period_start = serializers.DateTimeField(required=False, allow_null=True)
    period_end = serializers.DateTimeField(required=False, allow_null=True)
    winners_count = serializers.IntegerField(min_value=1, max_value=MAX_WINNERS, default=1)
    min_shares = serializers.IntegerField(min_value=1, max_value=MAX_MIN_SHARES, default=1)
    entry_per_share = serializers.BooleanField(default=False)
    closes_at = serializers.DateTimeField()

    def validate_campaign(self, value: int | None) -> Campaign | None:
        if value is None:
            return None
        campaign = Campaign.objects.for_org(self.context["organization"]).filter(pk=value).first()
        if campaign is None:
            raise serializers.ValidationError("No such campaign in this organization.")
        return campaign


class RaffleDrawSerializer(serializers.Serializer):
    public_value = serializers.CharField(
        max_length=PUBLIC_VALUE_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="Optional value typed in after the close (a lottery number, a beacon round).",
    )


class RaffleEntrySerializer(serializers.Serializer):
    pseudonym = serializers.CharField()
    tickets = serializers.IntegerField()


class RaffleProofSerializer(serializers.Serializer):
    """The published values; ``seed`` and ``public_value`` are null until the draw,
    ``entries`` and ``entries_hash`` until the close."""

    algorithm = serializers.CharField()
    public_id = serializers.UUIDField()
    title = serializers.CharField()
    prize = serializers.CharField()
    status = serializers.CharField()
    winners_count = serializers.IntegerField()
    min_shares = serializers.IntegerField()
    entry_per_share = serializers.BooleanField()
    closes_at = serializers.DateTimeField()
    commitment = serializers.CharField()
    entries_frozen_at = serializers.DateTimeField(allow_null=True)
    entries_hash = serializers.CharField(allow_null=True)
    entries = RaffleEntrySerializer(many=True, allow_null=True)
    total_tickets = serializers.IntegerField()
    public_value = serializers.CharField(allow_null=True)
    seed = serializers.CharField(allow_null=True)
    drawn_at = serializers.DateTimeField(allow_null=True)
    winners = serializers.ListField(child=serializers.CharField())


# --- Viewset -------------------------------------------------------------------------


class RaffleViewSet(OrgScopedViewSet):
    """Raffles anyone can verify: commit, freeze, reveal."""

    model = Raffle
    lookup_url_kwarg = "raffle_id"
    lookup_value_regex = "[0-9]+"
    serializer_class = RaffleSerializer
    capabilities = {
        "list": ANY_MEMBER,
        "retrieve": ANY_MEMBER,
        "proof": ANY_MEMBER,
        "create": Capability.MANAGE_CAMPAIGNS,
        "close": Capability.MANAGE_CAMPAIGNS,
        "draw": Capability.MANAGE_CAMPAIGNS,
    }

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        if not has_capability(self.membership, Capability.MANAGE_CAMPAIGNS):
            queryset = sel.raffles_visible_to(membership=self.membership)
        return sel.with_winners(queryset.select_related("campaign"))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        data = self.get_serializer(page, many=True).data
        return self.get_paginated_response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raffle = self.get_object()
        context = {**self.get_serializer_context(), "with_standing": True}
        return Response(RaffleSerializer(raffle, context=context).data)

    @extend_schema(request=RaffleCreateSerializer, responses={201: RaffleSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = RaffleCreateSerializer(
            data=request.data, context={"organization": self.organization}
        )
        serializer.is_valid(raise_exception=True)
        raffle = services.raffle_create(actor=self.membership, **serializer.validated_data)
        return Response(self.get_serializer(raffle).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=RaffleSerializer)
    @action(detail=True, methods=["post"], url_name="close")
    def close(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raffle = services.raffle_close(actor=self.membership, raffle=self.get_object())
        return Response(self.get_serializer(raffle).data)

    @extend_schema(request=RaffleDrawSerializer, responses=RaffleSerializer)
    @action(detail=True, methods=["post"], url_name="draw")
    def draw(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raffle = self.get_object()
        serializer = RaffleDrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.raffle_draw_winners(
            actor=self.membership,
            raffle=raffle,
            public_value=serializer.validated_data["public_value"],
        )
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(responses=RaffleProofSerializer)
    @action(detail=True, methods=["get"], url_name="proof")
    def proof(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(sel.raffle_proof(self.get_object()))


router = Router(trailing_slash=True)
router.register(
    "raffles",
    RaffleViewSet,
    basename="api_raffles",
    names={
        "list": "api_raffles",
        "detail": "api_raffle",
        "close": "api_raffle_close",
        "draw": "api_raffle_draw",
        "proof": "api_raffle_proof",
    },
)

urlpatterns = router.urls
