"""API of points under ``/api/v1/orgs/<org_slug>/points/``.

* ``GET points/balance/``: my lifetime and spendable points, this week's and month's, and
  whether I appear anonymously on leaderboards; ``POST points/balance/anonymity/``
  ``{"anonymous_on_boards": bool}`` changes that.
* ``GET points/entries/``: my ledger entries, newest first (keyset ``cursor``);
  ``?action=`` filters. Managers (MANAGE_CAMPAIGNS) pass ``?scope=org`` for everyone's, and may
  filter by ``?member=`` and ``?campaign=``.
* ``GET points/rules/``: the points in force per action (any member). ``POST points/rules/``
  (managers): new values for one action, in force from now on (a new rule version; past
  points never change). ``GET points/rules/history/`` (managers): every version saved.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from advocacy.api.base import ANY_MEMBER, OrgScopedViewSet
from advocacy.api.filters import choice_filters, whole_number_filters
from advocacy.api.pagination import KeysetPagination
from advocacy.permissions import Capability, has_capability

from ..models import EARNING_ACTION_CHOICES, PointsAction, PointsBalance, PointsEntry, PointsRule
from ..selectors import points as sel
from ..services import points as services

# --- serializers ---------------------------------------------------------------------------


class PointsSummarySerializer(serializers.Serializer):
    lifetime = serializers.IntegerField(
        help_text="Every point earned, minus reversals; boards rank by it."
    )
    spendable = serializers.IntegerField(help_text="Points left to spend on rewards.")
    this_week = serializers.IntegerField(
        help_text="Lifetime points since Monday 00:00, organization time."
    )
    this_month = serializers.IntegerField(
        help_text="Lifetime points since the 1st, 00:00, organization time."
    )
    anonymous_on_boards = serializers.BooleanField()


class AnonymitySerializer(serializers.Serializer):
    anonymous_on_boards = serializers.BooleanField()


class PointsEntrySerializer(serializers.ModelSerializer):
    member = serializers.IntegerField(source="membership_id", read_only=True)
    campaign = serializers.IntegerField(source="campaign_id", read_only=True, allow_null=True)
    share = serializers.IntegerField(source="share_id", read_only=True, allow_null=True)
    reverses = serializers.IntegerField(source="reverses_id", read_only=True, allow_null=True)
    rule = serializers.IntegerField(source="rule_id", read_only=True, allow_null=True)

    class Meta:
        model = PointsEntry
        fields = (
            "id",
            "member",
            "action",
            "points",
            "spendable",
            "quantity",
            "object_type",
            "object_id",
            "share",
            "campaign",
            "rule",
            "reverses",
            "note",
            "occurred_at",
        )
        read_only_fields = fields


class PointsRuleInForceSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=EARNING_ACTION_CHOICES)
    points = serializers.IntegerField()
    daily_cap = serializers.IntegerField(allow_null=True)
    per_share_cap = serializers.IntegerField(allow_null=True)
    per_unit = serializers.BooleanField(help_text="Points per click or per unit of engagement.")
    is_default = serializers.BooleanField(help_text="No rule saved yet: Chorus's default.")
    effective_from = serializers.DateTimeField(allow_null=True)


class PointsRuleSerializer(serializers.ModelSerializer):
    """A rule version. Writing one creates a new version in force from now on."""

    action = serializers.ChoiceField(choices=EARNING_ACTION_CHOICES)
    points = serializers.IntegerField(min_value=0, max_value=services.MAX_POINTS)
    daily_cap = serializers.IntegerField(
        min_value=1, max_value=services.MAX_CAP, allow_null=True, required=False
    )
    per_share_cap = serializers.IntegerField(
        min_value=1, max_value=services.MAX_CAP, allow_null=True, required=False
    )
    created_by = serializers.IntegerField(source="created_by_id", read_only=True, allow_null=True)

    class Meta:
        model = PointsRule
        fields = (
            "id",
            "action",
            "points",
            "daily_cap",
            "per_share_cap",
            "effective_from",
            "created_by",
        )
        read_only_fields = ("id", "effective_from", "created_by")


# --- viewsets ------------------------------------------------------------------------------


class PointsBalanceViewSet(OrgScopedViewSet):
    """``points/balance/`` and ``points/balance/anonymity/``: the member's own totals."""

    model = PointsBalance
    capabilities = {"balance": Capability.VIEW_OWN_STATS, "anonymity": Capability.VIEW_OWN_STATS}
    serializer_class = PointsSummarySerializer
    pagination_class = None

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.filter(membership=self.membership)

    @extend_schema(responses=PointsSummarySerializer)
    @action(detail=False, methods=["get"], url_path="balance", url_name="balance")
    def balance(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """My points: lifetime, spendable, this week's and this month's."""
        summary = sel.points_summary(membership=self.membership)
        return Response(PointsSummarySerializer(summary).data)

    @extend_schema(request=AnonymitySerializer, responses=PointsSummarySerializer)
    @action(detail=False, methods=["post"], url_path="balance/anonymity", url_name="anonymity")
    def anonymity(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Appear anonymously ("a colleague in <department>") on leaderboards, or not."""
        body = AnonymitySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.points_anonymity_set(
            actor=self.membership, anonymous=body.validated_data["anonymous_on_boards"]
        )
        summary = sel.points_summary(membership=self.membership)
        return Response(PointsSummarySerializer(summary).data)


class PointsEntryCursorPagination(KeysetPagination):
    ordering = ("-occurred_at", "-id")


class PointsEntryViewSet(mixins.ListModelMixin, OrgScopedViewSet):
    """Ledger entries, newest first: mine, or (managers, ``?scope=org``) everyone's."""

    model = PointsEntry
    serializer_class = PointsEntrySerializer
    pagination_class = PointsEntryCursorPagination
    capabilities = {"list": Capability.VIEW_OWN_STATS}

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        params = self.request.query_params
        choices = choice_filters(
            params, {"scope": ("mine", "org"), "action": [a.value for a in PointsAction]}
        )
        numbers = whole_number_filters(params, ("member", "campaign"))
        org_wide = choices["scope"] == "org"
        if org_wide and not has_capability(self.membership, Capability.MANAGE_CAMPAIGNS):
            raise PermissionDenied
        if not org_wide and numbers["member"] is not None:
            raise PermissionDenied
        return sel.points_entries(
            organization=self.organization,
            membership_id=numbers["member"] if org_wide else self.membership.pk,
            action=choices["action"],
            campaign_id=numbers["campaign"],
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("scope", str, enum=["mine", "org"], description="org: managers"),
            OpenApiParameter("action", str, enum=[a.value for a in PointsAction]),
            OpenApiParameter("member", int, description="With scope=org."),
            OpenApiParameter("campaign", int),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)


class PointsRuleViewSet(OrgScopedViewSet):
    """``points/rules/``: the points in force (any member); POST a new version (managers)."""

    model = PointsRule
    serializer_class = PointsRuleSerializer
    pagination_class = None
    capabilities = {"list": ANY_MEMBER, "create": Capability.MANAGE_CAMPAIGNS}

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        return sel.points_rules_history(organization=self.organization)

    @extend_schema(responses=PointsRuleInForceSerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The points in force now, per earning action."""
        rows = sel.points_rules_current(organization=self.organization)
        data = [
            {**row, "effective_from": row["rule"].effective_from if row["rule"] else None}
            for row in rows
        ]
        return Response(PointsRuleInForceSerializer(data, many=True).data)

    @extend_schema(request=PointsRuleSerializer, responses={201: PointsRuleSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """New values for one action, in force from now on."""
        body = PointsRuleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rule = services.points_rule_save(actor=self.membership, **body.validated_data)
        return Response(PointsRuleSerializer(rule).data, status=status.HTTP_201_CREATED)


class PointsRuleHistoryPagination(KeysetPagination):
    ordering = ("-effective_from", "-id")


class PointsRuleHistoryViewSet(mixins.ListModelMixin, OrgScopedViewSet):
    """``points/rules/history/`` (managers): every rule version saved, newest first."""

    model = PointsRule
    serializer_class = PointsRuleSerializer
    pagination_class = PointsRuleHistoryPagination
    capabilities = {"list": Capability.MANAGE_CAMPAIGNS}

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        return sel.points_rules_history(organization=self.organization)


router = SimpleRouter(trailing_slash=True)
router.register("points", PointsBalanceViewSet, basename="api_points")
router.register("points/entries", PointsEntryViewSet, basename="api_points_entries")
router.register("points/rules/history", PointsRuleHistoryViewSet, basename="api_points_history")
router.register("points/rules", PointsRuleViewSet, basename="api_points_rules")

urlpatterns = router.urls
