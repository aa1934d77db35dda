"""API of company-page amplification under ``/api/v1/orgs/<org_slug>/``.

* ``GET company-pages/`` (``MANAGE_NETWORKS``): the organization's LinkedIn and Facebook pages
  (never a token); ``POST company-pages/<id>/disconnect/`` wipes one page's token. Connecting
  needs the network's sign-in in a browser: it is on the Company pages page.
* ``GET amplification-candidates/`` (``MANAGE_CAMPAIGNS``): the employees' best posts (a bounded
  list, ``ranking`` / ``network`` / ``campaign`` / ``period`` filters).
* ``GET amplifications/``, ``POST amplifications/`` (``{share, account, comment}``: queued at
  once, published by a worker exactly once), ``GET amplifications/<id>/`` (``MANAGE_CAMPAIGNS``).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from advocacy.api.base import OrgScopedViewSet
from advocacy.api.filters import choice_filters, whole_number_filters
from advocacy.api.routers import Router
from advocacy.api.serializers import BlankAsNullURLField
from advocacy.permissions import Capability
from social.models import OrganizationAccount

from ..models import Amplification, Campaign
from ..selectors import amplification as sel
from ..services.amplification import (
    COMMENT_MAX_LENGTH,
    PAGE_KINDS,
    amplification_create,
    company_page_disconnect,
)

# --- serializers -----------------------------------------------------------------------


class CompanyPageSerializer(serializers.ModelSerializer):
    """A company page as the organization's admins see it. Its token is never part of it."""

    connected_by = serializers.SerializerMethodField()
    profile_url = BlankAsNullURLField()

    class Meta:
        model = OrganizationAccount
        fields = (
            "id",
            "network",
            "kind",
            "external_id",
            "display_name",
            "profile_url",
            "status",
            "status_reason",
            "scopes",
            "token_expires_at",
            "connected_at",
            "connected_by",
        )
        read_only_fields = fields

    def get_connected_by(self, obj: OrganizationAccount) -> str | None:
        membership = obj.connected_by
        return str(membership.user) if membership is not None else None


class CandidateSerializer(serializers.Serializer):
    share = serializers.IntegerField(source="pk")
    network = serializers.CharField()
    author = serializers.CharField(source="membership.user")
    item = serializers.IntegerField(source="item_id")
    title = serializers.CharField(source="item.title")
    caption = serializers.CharField()
    external_id = serializers.CharField()
    permalink = BlankAsNullURLField()
    campaign = serializers.IntegerField(source="campaign_id", allow_null=True)
    published_at = serializers.DateTimeField()
    score = serializers.IntegerField(
        help_text="The ranking's value: reactions + comments + reshares (engagement), "
        "impressions, or human clicks; unknown counts as 0."
    )
    impressions = serializers.IntegerField(allow_null=True)
    reactions = serializers.IntegerField(allow_null=True)
    comments = serializers.IntegerField(allow_null=True)
    reshares = serializers.IntegerField(allow_null=True)
    clicks = serializers.IntegerField()
    amplified = serializers.BooleanField(help_text="A company page already re-shared it.")


class AmplificationSerializer(serializers.ModelSerializer):
    created_by = serializers.SerializerMethodField()
    permalink = BlankAsNullURLField()

    class Meta:
        model = Amplification
        fields = (
            "id",
            "share",
            "account",
            "network",
            "comment",
            "state",
            "attempts",
            "external_id",
            "permalink",
            "error_code",
            "error_message",
            "created_by",
            "created_at",
            "published_at",
        )
        read_only_fields = fields

    def get_created_by(self, obj: Amplification) -> str | None:
        return str(obj.created_by.user) if obj.created_by is not None else None


class AmplificationCreateSerializer(serializers.Serializer):
    share = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    account = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="The company page (``company-pages/`` id)."
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=COMMENT_MAX_LENGTH, default=""
    )


# --- viewsets --------------------------------------------------------------------------


class CompanyPageViewSet(OrgScopedViewSet):
    model = OrganizationAccount
    lookup_url_kwarg = "company_page_id"
    lookup_value_regex = "[0-9]+"
    serializer_class = CompanyPageSerializer
    pagination_class = None  # an organization has a handful of pages
    capabilities = {
        "list": Capability.MANAGE_NETWORKS,
        "disconnect": Capability.MANAGE_NETWORKS,
    }

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.filter(kind__in=list(PAGE_KINDS)).select_related("connected_by__user")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        pages = self.get_queryset().order_by("kind", "display_name", "pk")
        return Response(self.get_serializer(pages, many=True).data)

    @extend_schema(request=None, responses=CompanyPageSerializer)
    @action(detail=True, methods=["post"])
    def disconnect(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = company_page_disconnect(actor=self.membership, account=self.get_object())
        return Response(self.get_serializer(page).data)


class AmplificationCandidateViewSet(OrgScopedViewSet):
    model = Amplification
    serializer_class = CandidateSerializer
    pagination_class = None  # bounded: the best CANDIDATES_LIMIT
    capabilities = {"list": Capability.MANAGE_CAMPAIGNS}

    @extend_schema(
        parameters=[
            OpenApiParameter("ranking", str, enum=list(sel.RANKINGS)),
            OpenApiParameter("network", str, enum=list(sel.AMPLIFIABLE_NETWORKS)),
            OpenApiParameter("campaign", int),
            OpenApiParameter("period", str, enum=list(sel.PERIODS)),
        ],
        responses=CandidateSerializer(many=True),
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = request.query_params
        chosen = choice_filters(
            params,
            {
                "ranking": tuple(sel.RANKINGS),
                "network": tuple(sel.AMPLIFIABLE_NETWORKS),
                "period": tuple(sel.PERIODS),
            },
        )
        campaign = whole_number_filters(params, ("campaign",))["campaign"]
        if (
            campaign is not None
            and not Campaign.objects.for_org(self.organization).filter(pk=campaign).exists()
        ):
            raise DRFValidationError({"campaign": [_("Choose a campaign of this organization.")]})
        filters = sel.CandidateFilters(
            ranking=chosen["ranking"] or "engagement",
            network=chosen["network"] or "",
            campaign_id=campaign,
            period=chosen["period"] or "30",
        )
        shares = sel.candidates(organization=self.organization, filters=filters)
        return Response(CandidateSerializer(shares, many=True).data)


class AmplificationViewSet(OrgScopedViewSet):
    model = Amplification
    lookup_url_kwarg = "amplification_id"
    lookup_value_regex = "[0-9]+"
    serializer_class = AmplificationSerializer
    capabilities = {
        "list": Capability.MANAGE_CAMPAIGNS,
        "create": Capability.MANAGE_CAMPAIGNS,
        "retrieve": Capability.MANAGE_CAMPAIGNS,
    }

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.select_related("created_by__user")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        request=AmplificationCreateSerializer,
        responses={status.HTTP_201_CREATED: AmplificationSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = AmplificationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        share = sel.candidate_get(organization=self.organization, share_id=data["share"])
        if share is None:
            raise DRFValidationError(
                {"share": [_("Choose a published post of this organization.")]}
            )
        account = (
            OrganizationAccount.objects.for_org(self.organization)
            .filter(pk=data["account"], kind__in=list(PAGE_KINDS))
            .first()
        )
        if account is None:
            raise DRFValidationError({"account": [_("Choose one of this organization's pages.")]})
        amplification = amplification_create(
            actor=self.membership, share=share, account=account, comment=data["comment"]
        )
        fresh = self.get_queryset().get(pk=amplification.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)


router = Router(trailing_slash=True)
router.register(
    "company-pages",
    CompanyPageViewSet,
    basename="company_pages",
    names={"list": "api_company_pages", "disconnect": "api_company_page_disconnect"},
)
router.register(
    "amplification-candidates",
    AmplificationCandidateViewSet,
    basename="amplification_candidates",
    names={"list": "api_amplification_candidates"},
)
router.register(
    "amplifications",
    AmplificationViewSet,
    basename="amplifications",
    names={"list": "api_amplifications", "detail": "api_amplification_detail"},
)

urlpatterns = router.urls
