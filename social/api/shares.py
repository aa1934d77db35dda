"""API of shares under ``/api/v1/orgs/<org_slug>/shares/``.

* ``GET shares/``: my shares, newest first (cursor); ``?scope=org`` lists the organization's
  (VIEW_ANALYTICS); ``?state=``, ``?item=`` filter.
* ``POST shares/``: compose: ``{"item", "targets": [{"account": id} | {"network": "facebook"|"x"},
  "caption"?], "scheduled_at"?: date-time | "suggested", "all_networks"?: true}``.
* ``GET shares/suggested-time/``: when this member's shares do best (or the default).
* ``GET shares/<share_id>/``, ``POST …/retry/``, ``POST …/cancel/``, ``POST …/confirm-dialog/``.
* ``GET shares/<share_id>/clicks/`` (per day, people and bots apart), ``…/metrics/`` (snapshots).

Serializers check shape and look foreign ids up inside the organization (items) or the
caller (accounts), answering 400 otherwise; ``social.services.compose.share_compose``
resolves targets, default captions and the time, and ``social.services.shares`` applies the rules.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from advocacy.api.base import OrgScopedViewSet
from advocacy.api.filters import choice_filters, whole_number_filters
from advocacy.api.serializers import BlankAsNullURLField
from advocacy.networks import Network
from advocacy.permissions import Capability, has_capability
from content_library.models import ContentItem

from ..connectors import registry
from ..models import MetricSnapshot, Share, ShareState
from ..selectors import shares as sel
from ..services import compose, posts
from ..services import shares as services
from ..services.links import tracked_link_url
from ..services.metrics import METRIC_FIELDS

# --- serializers ---------------------------------------------------------------------------


class ShareSerializer(serializers.ModelSerializer):
    item_title = serializers.CharField(source="item.title", read_only=True)
    account_name = serializers.SerializerMethodField()
    member = serializers.IntegerField(source="membership_id", read_only=True)
    post_id = serializers.CharField(source="external_id", read_only=True)
    tracked_url = serializers.SerializerMethodField()
    dialog_url = serializers.SerializerMethodField()
    permalink = BlankAsNullURLField()

    class Meta:
        model = Share
        fields = (
            "id",
            "item",
            "item_title",
            "member",
            "network",
            "method",
            "account",
            "account_name",
            "caption",
            "state",
            "scheduled_at",
            "published_at",
            "attempts",
            "post_id",
            "permalink",
            "error_message",
            "tracked_url",
            "dialog_url",
            "clicks",
            *METRIC_FIELDS,
            "metrics_updated_at",
            "created_at",
        )
        read_only_fields = fields

    def get_account_name(self, obj: Share) -> str:
        account = obj.account  # no query when the share has no account
        if account is None:
            return ""
        return account.display_name or account.external_id

    def get_tracked_url(self, obj: Share) -> str:
        link = sel.share_tracked_link(obj)
        return tracked_link_url(link) if link is not None else ""

    def get_dialog_url(self, obj: Share) -> str:
        """For a share-dialog share not confirmed yet: where the member posts it."""
        return posts.share_dialog_url(obj) if services.is_dialog_waiting(obj) else ""


class ShareTargetInSerializer(serializers.Serializer):
    account = serializers.IntegerField(
        required=False, help_text="Id of one of your linked network accounts."
    )
    network = serializers.ChoiceField(
        choices=[(n, Network(n).label) for n in registry.dialog_networks()],
        required=False,
        help_text="A network shared through its own dialog (instead of an account).",
    )
    caption = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=70000,
        trim_whitespace=False,
        help_text="Defaults to the item's suggested caption for the network.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("account" in attrs) == ("network" in attrs):
            raise DRFValidationError(_("Give either an account or a share-dialog network."))
        return attrs


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "format": "date-time"},
            {"type": "string", "enum": ["suggested"]},
        ],
        "nullable": True,
    }
)
class ScheduleField(serializers.Field):
    """A date-time with its zone, ``"suggested"`` (the member's best time), or null (now)."""

    def to_internal_value(self, data: Any) -> datetime | str | None:
        if data in (None, ""):
            return None
        if data == "suggested":
            return "suggested"
        value = parse_datetime(str(data)) if isinstance(data, str) else None
        if value is None:
            raise DRFValidationError(_("A date-time (ISO 8601, with its zone) or “suggested”."))
        if value.tzinfo is None:
            raise DRFValidationError(_("Give the time with its time zone."))
        return value

    def to_representation(self, value: Any) -> Any:
        return value


class ShareCreateSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    targets = ShareTargetInSerializer(many=True, required=False)
    all_networks = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Share to every linked account and share-dialog network that can take the "
        "item, with the suggested captions (``targets`` is then ignored).",
    )
    scheduled_at = ScheduleField(required=False, allow_null=True)


class RetrySerializer(serializers.Serializer):
    caption = serializers.CharField(
        required=False,
        allow_blank=False,
        max_length=70000,
        help_text="A corrected caption (optional).",
    )


class ShareListSerializer(serializers.Serializer):
    results = ShareSerializer(many=True)


class DailyClicksSerializer(serializers.Serializer):
    day = serializers.DateField()
    human = serializers.IntegerField()
    bot = serializers.IntegerField()


class ClicksSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="People's clicks, all time.")
    results = DailyClicksSerializer(many=True)


class SnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = MetricSnapshot
        fields = (
            "fetched_at",
            *METRIC_FIELDS,
        )
        read_only_fields = fields


class SnapshotListSerializer(serializers.Serializer):
    results = SnapshotSerializer(many=True)


class SuggestedTimeSerializer(serializers.Serializer):
    scheduled_at = serializers.DateTimeField()
    time_zone = serializers.CharField()


# --- the viewset -------------------------------------------------------------------------------

_READ_ACTIONS = {"retrieve", "clicks", "metrics"}


class ShareViewSet(OrgScopedViewSet):
    """Shares: one per linked account and item, with their states, links, clicks and metrics."""

    model = Share
    lookup_url_kwarg = "share_id"
    lookup_value_regex = "[0-9]+"
    route_names = {"list": "api_shares", "detail": "api_share_detail"}
    serializer_class = ShareSerializer
    capabilities = {
        "list": Capability.SHARE_CONTENT,
        "create": Capability.SHARE_CONTENT,
        "retrieve": Capability.SHARE_CONTENT,
        "retry": Capability.SHARE_CONTENT,
        "cancel": Capability.SHARE_CONTENT,
        "confirm_dialog": Capability.SHARE_CONTENT,
        "clicks": Capability.SHARE_CONTENT,
        "metrics": Capability.SHARE_CONTENT,
        "suggested_time": Capability.SHARE_CONTENT,
    }

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        if self.action == "list":
            params = self.request.query_params
            chosen = choice_filters(params, {"scope": ("mine", "org"), "state": ShareState.values})
            scope, state = chosen["scope"] or "mine", chosen["state"]
            item = whole_number_filters(params, ("item",))["item"]
            if scope == "org" and not has_capability(self.membership, Capability.VIEW_ANALYTICS):
                raise PermissionDenied(_("Your role does not allow this."))
            qs = sel.shares_for(membership=self.membership, scope=scope)
            if state:
                qs = qs.filter(state=state)
            if item is not None:
                qs = qs.filter(item_id=item)
        elif self.action in _READ_ACTIONS:
            qs = sel.shares_for(membership=self.membership, scope="org")
        else:
            qs = queryset.filter(membership=self.membership)
        return sel.with_list_data(qs)

    @extend_schema(
        parameters=[
            OpenApiParameter("scope", str, enum=["mine", "org"]),
            OpenApiParameter("state", str, enum=ShareState.values),
            OpenApiParameter("item", int),
            OpenApiParameter("page_size", int),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ShareSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(ShareSerializer(self.get_object()).data)

    @extend_schema(
        request=ShareCreateSerializer, responses={status.HTTP_201_CREATED: ShareListSerializer}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = ShareCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        item = (
            ContentItem.objects.for_org(self.organization)
            .prefetch_related("captions", "images")
            .filter(pk=data["item"])
            .first()
        )
        if item is None:
            raise DRFValidationError({"item": [_("Choose an item of this organization.")]})
        scheduled_at = data.get("scheduled_at")
        when = {None: compose.WHEN_NOW, "suggested": compose.WHEN_SUGGESTED}.get(
            scheduled_at if isinstance(scheduled_at, str) or scheduled_at is None else "",
            compose.WHEN_SCHEDULE,
        )
        raw = [] if data.get("all_networks") else data.get("targets") or []
        keys = [
            compose.account_key(t["account"])
            if "account" in t
            else compose.dialog_key(t["network"])
            for t in raw
        ]
        shares = compose.share_compose(
            membership=self.membership,
            item=item,
            chosen=keys,
            captions={k: t["caption"] for k, t in zip(keys, raw, strict=True) if "caption" in t},
            all_networks=data.get("all_networks", False),
            when=when,
            scheduled_at=scheduled_at if when == compose.WHEN_SCHEDULE else None,
        )
        fresh = list(
            sel.with_list_data(Share.objects.for_org(self.organization))
            .filter(pk__in=[s.pk for s in shares])
            .order_by("id")
        )
        return Response(
            {"results": ShareSerializer(fresh, many=True).data}, status=status.HTTP_201_CREATED
        )

    def _fresh(self, share: Share) -> Response:
        return Response(ShareSerializer(self.get_queryset().get(pk=share.pk)).data)

    @extend_schema(request=RetrySerializer, responses=ShareSerializer)
    @action(detail=True, methods=["post"], url_name="api_share_retry")
    def retry(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        share = self.get_object()
        body = RetrySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.share_retry(
            membership=self.membership, share=share, caption=body.validated_data.get("caption")
        )
        return self._fresh(share)

    @extend_schema(request=None, responses=ShareSerializer)
    @action(detail=True, methods=["post"], url_name="api_share_cancel")
    def cancel(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        share = self.get_object()
        services.share_cancel(membership=self.membership, share=share)
        return self._fresh(share)

    @extend_schema(request=None, responses=ShareSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="confirm-dialog",
        url_name="api_share_confirm_dialog",
    )
    def confirm_dialog(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        share = self.get_object()
        services.share_dialog_confirm(membership=self.membership, share=share)
        return self._fresh(share)

    @extend_schema(
        parameters=[OpenApiParameter("days", int, description="1-365, default 90.")],
        responses=ClicksSerializer,
    )
    @action(detail=True, methods=["get"], url_name="api_share_clicks")
    def clicks(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        share = self.get_object()
        try:
            days = int(request.query_params.get("days") or 90)
        except ValueError as exc:
            raise DRFValidationError({"days": [_("A whole number.")]}) from exc
        if not 1 <= days <= 365:
            raise DRFValidationError({"days": [_("Between 1 and 365.")]})
        rows = sel.share_daily_clicks(share=share, days=days)
        return Response(
            {
                "total": share.clicks,
                "results": DailyClicksSerializer(rows, many=True).data,
            }
        )

    @extend_schema(responses=SnapshotListSerializer)
    @action(detail=True, methods=["get"], url_name="api_share_metrics")
    def metrics(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        share = self.get_object()
        return Response(
            {"results": SnapshotSerializer(sel.share_snapshots(share=share), many=True).data}
        )

    @extend_schema(responses=SuggestedTimeSerializer)
    @action(
        detail=False,
        methods=["get"],
        url_path="suggested-time",
        url_name="api_shares_suggested_time",
    )
    def suggested_time(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        when = compose.suggested_share_time(membership=self.membership)
        zone = compose.organization_zone(self.organization)
        return Response({"scheduled_at": when.astimezone(zone), "time_zone": zone.key})
