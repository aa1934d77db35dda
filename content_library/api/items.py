"""Library items: list, retrieve, create, edit, and the review workflow as ``@action``s."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from advocacy.api.base import OrgScopedViewSet
from advocacy.api.filters import BOOLEAN_VALUES, choice_filters, text_filters, whole_number_filters
from advocacy.api.serializers import BlankAsNullURLField
from advocacy.models import Role
from advocacy.networks import Network
from advocacy.permissions import Capability, has_capability

from ..models import (
    Category,
    ContentItem,
    Kind,
    Status,
    Topic,
)
from ..selectors.feed import item_networks
from ..selectors.filters import ItemFilters
from ..selectors.visibility import items_for_member
from ..services.item_parts import CaptionInput
from ..services.items import (
    content_item_create,
    content_item_update,
)
from ..services.previews import content_item_request_preview
from ..services.review import (
    content_item_approve,
    content_item_archive,
    content_item_reject,
    content_item_request_changes,
    content_item_restore,
    content_item_return_to_draft,
    content_item_submit,
)


class CaptionSerializer(serializers.Serializer):
    network = serializers.ChoiceField(choices=Network.choices)
    text = serializers.CharField(max_length=70000)


class ContentItemSerializer(serializers.ModelSerializer):
    captions = serializers.SerializerMethodField()
    images = serializers.SerializerMethodField()
    topics = serializers.SerializerMethodField()
    preview = serializers.SerializerMethodField()
    lifecycle = serializers.CharField(source="lifecycle_label", read_only=True)
    suggested_by = serializers.SerializerMethodField()
    networks = serializers.SerializerMethodField()
    url = BlankAsNullURLField()

    class Meta:
        model = ContentItem
        fields: tuple[str, ...] = (
            "id",
            "kind",
            "title",
            "body",
            "url",
            "category",
            "topics",
            "language",
            "is_company_content",
            "captions_editable",
            "status",
            "lifecycle",
            "publish_at",
            "expires_at",
            "is_pinned",
            "priority",
            "translation_group",
            "captions",
            "images",
            "preview",
            "share_count",
            "suggested_by",
            "networks",
            "created_at",
            "approved_at",
        )
        read_only_fields: tuple[str, ...] = fields

    def get_captions(self, obj: ContentItem) -> list[dict[str, Any]]:
        return [{"network": c.network, "text": c.text} for c in obj.captions.all()]

    def get_images(self, obj: ContentItem) -> list[dict[str, Any]]:
        return [
            {
                "id": i.pk,
                "url": i.image.url,
                "alt_text": i.alt_text,
                "width": i.width,
                "height": i.height,
            }
            for i in obj.images.all()
        ]

    def get_topics(self, obj: ContentItem) -> list[int]:
        return [t.pk for t in obj.topics.all()]

    def get_preview(self, obj: ContentItem) -> dict[str, Any]:
        return {
            "status": obj.preview_status,
            "title": obj.preview_title,
            "description": obj.preview_description,
            "image_url": obj.preview_image_url,
            "site_name": obj.preview_site_name,
            "error": obj.preview_error,
        }

    def get_suggested_by(self, obj: ContentItem) -> str | None:
        return str(obj.suggested_by.user) if obj.suggested_by is not None else None

    def get_networks(self, obj: ContentItem) -> list[str]:
        return item_networks(obj)


class ContentItemWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    title = serializers.CharField(max_length=200, required=False)
    body = serializers.CharField(required=False, allow_blank=True)
    url = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    is_company_content = serializers.BooleanField(required=False)
    captions_editable = serializers.BooleanField(required=False)
    publish_at = serializers.DateTimeField(required=False, allow_null=True)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)
    is_pinned = serializers.BooleanField(required=False)
    priority = serializers.IntegerField(required=False, min_value=-100, max_value=100)
    captions = CaptionSerializer(many=True, required=False)
    topics = serializers.ListField(child=serializers.IntegerField(), required=False)
    departments = serializers.ListField(child=serializers.IntegerField(), required=False)
    locations = serializers.ListField(child=serializers.CharField(max_length=120), required=False)
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), required=False
    )
    translation_of = serializers.IntegerField(
        required=False, help_text="Create only: the item this is a language variant of."
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True)


def _ids_in_org(
    model: type[models.Model], organization: Any, ids: list[int], field: str
) -> list[Any]:
    found = list(model.objects.for_org(organization).filter(pk__in=ids))  # type: ignore[attr-defined]
    if len(found) != len(set(ids)):
        raise DRFValidationError({field: ["Choose items of this organization."]})
    return found


#: ``?status=`` of the library list (curators): the states, and two views of approved items.
ITEM_STATUS_FILTERS = (*Status.values, "scheduled", "expired")


def item_filters(params: Any, *, curated: bool = True) -> ItemFilters:
    """The library's filters of an API list; an unknown value of an enumerated filter (or a
    NUL anywhere) is a 400 naming what is allowed. ``curated=False``: the feed's filters."""
    allowed: dict[str, Any] = {
        "category": Category.values,
        "language": [code for code, _name in settings.LANGUAGES],
        "kind": Kind.values,
    }
    if curated:
        allowed.update(
            status=ITEM_STATUS_FILTERS, campaign_ready=BOOLEAN_VALUES, company=BOOLEAN_VALUES
        )
    choice_filters(params, allowed)
    whole_number_filters(params, ("topic",))
    text_filters(params, ("q", "campaign"))
    return ItemFilters.from_params(params)


ITEM_FILTER_PARAMS = [
    OpenApiParameter("q", str, description="Full-text search over title, summary and captions."),
    OpenApiParameter("category", str, enum=Category.values),
    OpenApiParameter("topic", int),
    OpenApiParameter("language", str),
    OpenApiParameter("kind", str, enum=Kind.values),
    OpenApiParameter(
        "status",
        str,
        description="Curators only: draft, in_review, approved, archived, scheduled, expired.",
    ),
    OpenApiParameter("campaign_ready", bool),
]
#: The feed's and the library's filter by campaign (its slug).
CAMPAIGN_FILTER_PARAM = OpenApiParameter(
    "campaign", str, description="A campaign's slug: only that campaign's items."
)


class ContentItemViewSet(OrgScopedViewSet):
    """Library items. Curators see and manage everything; other members see what their
    feed shows them (approved, in window, targeted, in their language)."""

    model = ContentItem
    lookup_url_kwarg = "item_id"
    serializer_class = ContentItemSerializer
    capabilities = {
        "list": Capability.VIEW_FEED,
        "retrieve": Capability.VIEW_FEED,
        "create": Capability.MANAGE_CONTENT,
        "partial_update": Capability.MANAGE_CONTENT,
        "submit": Capability.MANAGE_CONTENT,
        "approve": Capability.APPROVE_CONTENT,
        "return_to_draft": Capability.APPROVE_CONTENT,
        "request_changes": Capability.APPROVE_CONTENT,
        "reject": Capability.APPROVE_CONTENT,
        "archive": Capability.APPROVE_CONTENT,
        "restore": Capability.MANAGE_CONTENT,
        "fetch_preview": Capability.MANAGE_CONTENT,
    }

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        qs = items_for_member(membership=self.membership)
        if self.action == "list":
            filters = item_filters(self.request.query_params)
            if not self.membership or not self.can_manage():
                filters.status = ""
            elif not filters.status:
                qs = qs.exclude(status="archived")
            qs = filters.apply(qs, now=timezone.now())
        return qs.select_related("suggested_by__user").prefetch_related(
            "captions", "images", "topics"
        )

    def can_manage(self) -> bool:
        return has_capability(self.membership, Capability.MANAGE_CONTENT)

    @extend_schema(parameters=[*ITEM_FILTER_PARAMS, CAMPAIGN_FILTER_PARAM])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        qs = self.get_queryset()
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ContentItemSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(ContentItemSerializer(self.get_object()).data)

    def _write_kwargs(self, data: dict[str, Any]) -> dict[str, Any]:
        out = dict(data)
        out.pop("translation_of", None)
        if "captions" in out:
            out["captions"] = [CaptionInput(**c) for c in out["captions"]]
        if "topics" in out:
            out["topics"] = _ids_in_org(Topic, self.organization, out["topics"], "topics")
        if "departments" in out:
            from advocacy.models import Department

            out["departments"] = _ids_in_org(
                Department, self.organization, out["departments"], "departments"
            )
        return out

    def _fresh(self, item: ContentItem) -> Response:
        item = self.get_queryset().get(pk=item.pk)
        return Response(ContentItemSerializer(item).data)

    @extend_schema(request=ContentItemWriteSerializer, responses=ContentItemSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = ContentItemWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        if not data.get("title"):
            raise DRFValidationError({"title": ["This field is required."]})
        translation_of = None
        if data.get("translation_of"):
            translation_of = (
                ContentItem.objects.for_org(self.organization)
                .filter(pk=data["translation_of"])
                .first()
            )
            if translation_of is None:
                raise DRFValidationError(
                    {"translation_of": ["Choose an item of this organization."]}
                )
        item = content_item_create(
            actor=self.membership, translation_of=translation_of, **self._write_kwargs(data)
        )
        resp = self._fresh(item)
        resp.status_code = status.HTTP_201_CREATED
        return resp

    @extend_schema(request=ContentItemWriteSerializer, responses=ContentItemSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        ser = ContentItemWriteSerializer(data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        if "translation_of" in ser.validated_data:
            raise DRFValidationError({"translation_of": ["Only when creating an item."]})
        item = content_item_update(
            actor=self.membership, item=item, **self._write_kwargs(ser.validated_data)
        )
        return self._fresh(item)

    @extend_schema(request=None, responses=ContentItemSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._fresh(content_item_submit(actor=self.membership, item=self.get_object()))

    @extend_schema(request=None, responses=ContentItemSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._fresh(content_item_approve(actor=self.membership, item=self.get_object()))

    @extend_schema(request=ReasonSerializer, responses=ContentItemSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_draft(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = ReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._fresh(
            content_item_return_to_draft(
                actor=self.membership,
                item=self.get_object(),
                reason=ser.validated_data.get("reason", ""),
            )
        )

    @extend_schema(request=CommentSerializer, responses=ContentItemSerializer)
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """In review -> changes requested: back to the author with the comment."""
        item = self.get_object()  # another tenant's id is a 404 before any 400
        ser = CommentSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._fresh(
            content_item_request_changes(
                actor=self.membership, item=item, comment=ser.validated_data["comment"]
            )
        )

    @extend_schema(request=ReasonSerializer, responses=ContentItemSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Rejected, with the reason the author sees."""
        item = self.get_object()
        ser = ReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._fresh(
            content_item_reject(
                actor=self.membership, item=item, reason=ser.validated_data.get("reason", "")
            )
        )

    @extend_schema(request=None, responses=ContentItemSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._fresh(content_item_archive(actor=self.membership, item=self.get_object()))

    @extend_schema(request=None, responses=ContentItemSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._fresh(content_item_restore(actor=self.membership, item=self.get_object()))

    @extend_schema(request=None, responses=ContentItemSerializer)
    @action(detail=True, methods=["post"], url_path="fetch-preview")
    def fetch_preview(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._fresh(
            content_item_request_preview(actor=self.membership, item=self.get_object())
        )
