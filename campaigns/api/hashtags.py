"""API of hashtag tracking: each campaign's hashtag counts through Chorus and the Instagram
posts found with its hashtags (managers: ``MANAGE_CAMPAIGNS``).

``GET hashtags/campaigns/`` lists campaigns with hashtags and their totals;
``GET hashtags/campaigns/{campaign_id}/`` a campaign's counts by network and day;
``GET hashtags/campaigns/{campaign_id}/mentions/`` its mentions, keyset-paginated.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from advocacy.api.base import OrgScopedViewSet
from advocacy.permissions import Capability

from ..models import Campaign, CampaignStatus, HashtagMention
from ..selectors.hashtags import campaign_hashtag_counts, campaigns_hashtag_summaries


class NetworkCountSerializer(serializers.Serializer):
    network = serializers.CharField()
    shares = serializers.IntegerField()


class DayCountSerializer(serializers.Serializer):
    day = serializers.DateField()
    shares = serializers.IntegerField()


class HashtagCampaignSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField()
    hashtags = serializers.ListField(child=serializers.CharField())
    shares = serializers.IntegerField(
        help_text="Shares published through Chorus in the campaign's dates whose caption "
        "carries one of its hashtags (whole hashtag, any case), of any item."
    )
    by_network = NetworkCountSerializer(many=True)
    mentions = serializers.IntegerField(help_text="Instagram posts found by hashtag search.")


class HashtagCampaignDetailSerializer(HashtagCampaignSerializer):
    by_day = DayCountSerializer(many=True)


class MentionSerializer(serializers.ModelSerializer):
    member = serializers.SerializerMethodField()

    class Meta:
        model = HashtagMention
        fields = (
            "id",
            "hashtag",
            "source",
            "network",
            "external_id",
            "permalink",
            "caption_excerpt",
            "media_type",
            "posted_at",
            "found_at",
            "member",
        )

    def get_member(self, obj: HashtagMention) -> int | None:
        """The member whose share through Chorus this post is (Instagram does not say who
        posted what its hashtag search finds)."""
        return obj.membership_id


def _payload(campaign: Campaign, counts: Any, *, detail: bool) -> dict[str, Any]:
    data = {
        "id": campaign.pk,
        "name": campaign.name,
        "status": campaign.status,
        "hashtags": list(campaign.hashtags or []),
        "shares": counts.total,
        "by_network": [{"network": n, "shares": c} for n, c in counts.by_network],
        "mentions": counts.mentions,
    }
    if detail:
        data["by_day"] = [{"day": d, "shares": c} for d, c in counts.by_day]
    return data


class HashtagCampaignViewSet(OrgScopedViewSet):
    model = Campaign
    lookup_url_kwarg = "campaign_id"
    lookup_value_regex = r"\d+"
    serializer_class = HashtagCampaignSerializer
    capabilities = {
        "list": Capability.MANAGE_CAMPAIGNS,
        "retrieve": Capability.MANAGE_CAMPAIGNS,
        "mentions": Capability.MANAGE_CAMPAIGNS,
    }

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.exclude(hashtags=[]).exclude(status=CampaignStatus.DRAFT)

    @extend_schema(
        parameters=[OpenApiParameter("page_size", int)],
        responses=HashtagCampaignSerializer(many=True),
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = list(self.paginate_queryset(self.get_queryset()) or [])
        summaries = campaigns_hashtag_summaries(organization=self.organization, campaigns=page)
        return self.get_paginated_response(
            [_payload(c, summaries[c.pk], detail=False) for c in page]
        )

    @extend_schema(responses=HashtagCampaignDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        campaign = self.get_object()
        counts = campaign_hashtag_counts(organization=self.organization, campaign=campaign)
        return Response(_payload(campaign, counts, detail=True))

    @extend_schema(
        parameters=[OpenApiParameter("page_size", int)],
        responses=MentionSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="mentions", url_name="api_hashtag_mentions")
    def mentions(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        campaign = self.get_object()
        qs = HashtagMention.objects.filter(organization=self.organization, campaign=campaign)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(MentionSerializer(page, many=True).data)


router = SimpleRouter(trailing_slash=True)
router.register("hashtags/campaigns", HashtagCampaignViewSet, basename="api_hashtag_campaigns")

urlpatterns = router.urls
