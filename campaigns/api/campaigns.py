"""Campaigns: members list and read the campaigns for them (with progress); campaign
managers list every campaign, create and edit them, launch, end and archive them, and read
their results."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from advocacy.api.base import OrgScopedViewSet
from advocacy.api.filters import choice_filters
from advocacy.models import Role
from advocacy.permissions import Capability, has_capability
from guidelines.markdown import render_markdown

from ..models import Campaign, CampaignStatus, GoalMetric
from ..selectors import campaigns as sel
from ..services import campaigns as services

# --- Serializers ---------------------------------------------------------------------------


class CampaignSerializer(serializers.ModelSerializer):
    description_html = serializers.SerializerMethodField()
    cover_image_url = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = (
            "id",
            "name",
            "slug",
            "description",
            "description_html",
            "hashtags",
            "cover_image_url",
            "cover_alt_text",
            "goal_metric",
            "goal_target",
            "starts_at",
            "ends_at",
            "status",
            "points_multiplier",
            "prize",
            "targets_everyone",
            "items",
            "created_at",
        )
        read_only_fields = fields

    def get_description_html(self, obj: Campaign) -> str:
        return str(render_markdown(obj.description, organization=obj.organization))

    def get_cover_image_url(self, obj: Campaign) -> str | None:
        return obj.cover_image.url if obj.cover_image else None

    def get_items(self, obj: Campaign) -> list[int]:
        ids = getattr(obj, "item_ids", None)
        return list(ids) if ids is not None else sel.campaign_item_ids(obj)


class CampaignWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=160)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    hashtags = serializers.ListField(
        child=serializers.CharField(max_length=101), min_length=1, max_length=10
    )
    cover_alt_text = serializers.CharField(required=False, allow_blank=True, max_length=300)
    goal_metric = serializers.ChoiceField(choices=GoalMetric.choices)
    goal_target = serializers.IntegerField(min_value=1, max_value=2_000_000_000)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    items = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=50)
    departments = serializers.ListField(
        child=serializers.IntegerField(), required=False, max_length=200
    )
    locations = serializers.ListField(
        child=serializers.CharField(max_length=120), required=False, max_length=200
    )
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), required=False
    )
    points_multiplier = serializers.DecimalField(
        max_digits=4, decimal_places=2, min_value=0, max_value=10, required=False
    )
    prize = serializers.CharField(required=False, allow_blank=True, max_length=300)


class FiguresSerializer(serializers.Serializer):
    shares = serializers.IntegerField()
    clicks = serializers.IntegerField()
    impressions = serializers.IntegerField(allow_null=True)
    impressions_unknown = serializers.IntegerField(
        help_text="Published shares with no impressions figure."
    )
    reach = serializers.IntegerField(allow_null=True)
    reach_unknown = serializers.IntegerField()
    engagement = serializers.IntegerField(allow_null=True)
    engagement_unknown = serializers.IntegerField()
    participants = serializers.IntegerField()


class GroupFiguresSerializer(FiguresSerializer):
    key = serializers.CharField(allow_null=True, help_text="Department id or network.")
    name = serializers.CharField(source="label")


class ProgressSerializer(serializers.Serializer):
    metric = serializers.CharField(help_text="The goal metric (as goal_metric of the campaign).")
    target = serializers.IntegerField()
    value = serializers.IntegerField(allow_null=True, help_text="null: no share has a figure yet.")
    unknown = serializers.IntegerField(help_text="Published shares without a figure.")
    shares = serializers.IntegerField()
    percent = serializers.IntegerField()


class ParticipantSerializer(serializers.Serializer):
    membership_id = serializers.IntegerField()
    name = serializers.CharField()
    department = serializers.CharField()
    shares = serializers.IntegerField()
    clicks = serializers.IntegerField()


class TopPostSerializer(serializers.Serializer):
    share_id = serializers.IntegerField(source="pk")
    network = serializers.CharField()
    permalink = serializers.CharField()
    member = serializers.SerializerMethodField()
    item_id = serializers.IntegerField()
    goal_value = serializers.IntegerField(allow_null=True)
    clicks = serializers.IntegerField()

    def get_member(self, obj: Any) -> str:
        user = obj.membership.user
        return str(user.name or user.email)


class TrendDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    added = serializers.IntegerField(allow_null=True)
    total = serializers.IntegerField(allow_null=True)


class ResultsSerializer(serializers.Serializer):
    progress = ProgressSerializer()
    totals = FiguresSerializer()
    by_department = GroupFiguresSerializer(many=True)
    by_network = GroupFiguresSerializer(many=True)
    participants = ParticipantSerializer(many=True)
    top_posts = TopPostSerializer(many=True)
    trend = TrendDaySerializer(many=True)


# --- The viewset ---------------------------------------------------------------------------

STATUS_PARAM = OpenApiParameter(
    "status", str, enum=CampaignStatus.values, description="Campaign managers only."
)


class CampaignViewSet(OrgScopedViewSet):
    model = Campaign
    lookup_url_kwarg = "campaign_id"
    serializer_class = CampaignSerializer
    capabilities = {
        "list": Capability.VIEW_FEED,
        "retrieve": Capability.VIEW_FEED,
        "progress": Capability.VIEW_FEED,
        "create": Capability.MANAGE_CAMPAIGNS,
        "partial_update": Capability.MANAGE_CAMPAIGNS,
        "launch": Capability.MANAGE_CAMPAIGNS,
        "end": Capability.MANAGE_CAMPAIGNS,
        "archive": Capability.MANAGE_CAMPAIGNS,
        "results": Capability.MANAGE_CAMPAIGNS,
    }

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        qs = sel.campaigns_for_member(membership=self.membership)
        if getattr(self, "action", None) == "list":
            params = choice_filters(self.request.query_params, {"status": CampaignStatus.values})
            if params["status"] and has_capability(self.membership, Capability.MANAGE_CAMPAIGNS):
                qs = qs.filter(status=params["status"])
        return qs.select_related("organization").order_by("-starts_at", "-id")

    def _with_item_ids(self, campaigns: list[Campaign]) -> list[Campaign]:
        from ..models import CampaignItem

        by_campaign: dict[int, list[int]] = {c.pk: [] for c in campaigns}
        for campaign_id, item_id in (
            CampaignItem.objects.filter(
                organization_id=self.organization.pk, campaign__in=list(by_campaign)
            )
            .order_by("position", "id")
            .values_list("campaign_id", "item_id")
        ):
            by_campaign[campaign_id].append(item_id)
        for c in campaigns:
            c.item_ids = by_campaign[c.pk]  # type: ignore[attr-defined]
        return campaigns

    @extend_schema(parameters=[STATUS_PARAM])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        campaigns = self._with_item_ids(list(page or []))
        return self.get_paginated_response(CampaignSerializer(campaigns, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(CampaignSerializer(self.get_object()).data)

    @extend_schema(request=CampaignWriteSerializer, responses={201: CampaignSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = CampaignWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        campaign = services.campaign_create(actor=self.membership, **ser.validated_data)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CampaignWriteSerializer, responses=CampaignSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        campaign = self.get_object()
        ser = CampaignWriteSerializer(data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        campaign = services.campaign_update(
            actor=self.membership, campaign=campaign, **ser.validated_data
        )
        return Response(CampaignSerializer(campaign).data)

    def _status_change(self, service: Any) -> Response:
        campaign = service(actor=self.membership, campaign=self.get_object())
        return Response(CampaignSerializer(campaign).data)

    @extend_schema(request=None, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def launch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._status_change(services.campaign_launch)

    @extend_schema(request=None, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._status_change(services.campaign_end)

    @extend_schema(request=None, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._status_change(services.campaign_archive)

    @extend_schema(responses=ProgressSerializer)
    @action(detail=True, methods=["get"])
    def progress(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        progress = sel.campaign_progress(campaign=self.get_object())
        return Response(ProgressSerializer(progress).data)

    @extend_schema(responses=ResultsSerializer)
    @action(detail=True, methods=["get"])
    def results(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        campaign = self.get_object()
        figures = sel.campaign_figures(campaign=campaign)
        data = {
            "progress": sel.campaign_progress(campaign=campaign, figures=figures),
            "totals": figures,
            "by_department": sel.campaign_results_by_department(campaign=campaign),
            "by_network": sel.campaign_results_by_network(campaign=campaign),
            "participants": sel.campaign_participants(campaign=campaign),
            "top_posts": sel.campaign_top_posts(campaign=campaign),
            "trend": sel.campaign_trend(campaign=campaign).days,
        }
        return Response(ResultsSerializer(data).data)


router = SimpleRouter(trailing_slash=True)
router.register("campaigns", CampaignViewSet, basename="api_campaigns")

urlpatterns = [*router.urls]
