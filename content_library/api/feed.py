"""The member's feed: pinned, then not yet shared, then newest; keyset cursor."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from advocacy.api.base import OrgScopedViewSet
from advocacy.api.pagination import INVALID_CURSOR, KeysetPagination
from advocacy.keyset import InvalidCursor
from advocacy.permissions import Capability

from ..models import ContentItem
from ..selectors.feed import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    colleagues_shared,
    feed_page,
    item_networks,
)
from .items import (
    CAMPAIGN_FILTER_PARAM,
    ITEM_FILTER_PARAMS,
    ContentItemSerializer,
    item_filters,
)


class FeedCardSerializer(ContentItemSerializer):
    shared_by_me = serializers.BooleanField(read_only=True)
    colleagues_shared = serializers.SerializerMethodField()

    class Meta(ContentItemSerializer.Meta):
        fields = (*ContentItemSerializer.Meta.fields, "shared_by_me", "colleagues_shared")
        read_only_fields = fields

    def get_colleagues_shared(self, obj: ContentItem) -> int:
        return colleagues_shared(obj)


#: The representation of a moment in the API (ISO 8601 in the current time zone, as DRF).
_MOMENT = serializers.DateTimeField(read_only=True)


def _moment(value: datetime | None) -> str | None:
    return None if value is None else _MOMENT.to_representation(value)


def feed_card_data(item: ContentItem) -> dict[str, Any]:
    """``FeedCardSerializer(item).data`` without a serializer: the same keys in the same
    order and the same values (tests/api/test_feed.py compares the two), built directly
    from the page's rows and their prefetched captions, images and topics. The feed's
    response is the one list where DRF's per-field machinery cost more than the query."""
    suggested_by = item.suggested_by
    return {
        "id": item.pk,
        "kind": item.kind,
        "title": item.title,
        "body": item.body,
        "url": item.url or None,
        "category": item.category,
        "topics": [t.pk for t in item.topics.all()],
        "language": item.language,
        "is_company_content": bool(item.is_company_content),
        "captions_editable": bool(item.captions_editable),
        "status": item.status,
        "lifecycle": item.lifecycle_label,
        "publish_at": _moment(item.publish_at),
        "expires_at": _moment(item.expires_at),
        "is_pinned": bool(item.is_pinned),
        "priority": item.priority,
        "translation_group": str(item.translation_group),
        "captions": [{"network": c.network, "text": c.text} for c in item.captions.all()],
        "images": [
            {
                "id": i.pk,
                "url": i.image.url,
                "alt_text": i.alt_text,
                "width": i.width,
                "height": i.height,
            }
            for i in item.images.all()
        ],
        "preview": {
            "status": item.preview_status,
            "title": item.preview_title,
            "description": item.preview_description,
            "image_url": item.preview_image_url,
            "site_name": item.preview_site_name,
            "error": item.preview_error,
        },
        "share_count": item.share_count,
        "suggested_by": str(suggested_by.user) if suggested_by is not None else None,
        "networks": item_networks(item),
        "created_at": _moment(item.created_at),
        "approved_at": _moment(item.approved_at),
        "shared_by_me": bool(getattr(item, "shared_by_me", False)),
        "colleagues_shared": colleagues_shared(item),
    }


class FeedPagination(KeysetPagination):
    """The feed pages with its own keyset (``selectors.feed_page``: pinned, then not yet
    shared, then newest); this class gives its schema the shape of every API list,
    ``{next, next_cursor, results}``, and the same ``cursor``/``page_size`` parameters."""

    max_page_size = MAX_PAGE_SIZE


class FeedViewSet(OrgScopedViewSet):
    """The member's feed: pinned, then not yet shared, then newest; keyset cursor."""

    model = ContentItem
    capabilities = {"list": Capability.VIEW_FEED}
    serializer_class = FeedCardSerializer
    pagination_class = FeedPagination

    @extend_schema(
        parameters=[*ITEM_FILTER_PARAMS[:-2], CAMPAIGN_FILTER_PARAM],
        responses=FeedCardSerializer(many=True),
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            page_size = int(request.query_params.get("page_size") or DEFAULT_PAGE_SIZE)
        except ValueError as exc:
            raise DRFValidationError({"page_size": ["A whole number."]}) from exc
        try:
            page = feed_page(
                membership=self.membership,
                cursor=request.query_params.get("cursor"),
                page_size=page_size,
                filters=item_filters(request.query_params, curated=False),
            )
        except InvalidCursor as exc:
            raise DRFValidationError({"cursor": [INVALID_CURSOR]}) from exc
        next_url = None
        if page.next_cursor:
            params = request.query_params.copy()
            params["cursor"] = page.next_cursor
            next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        return Response(
            {
                "results": [feed_card_data(item) for item in page.items],
                "next_cursor": page.next_cursor,
                "next": next_url,
            }
        )
