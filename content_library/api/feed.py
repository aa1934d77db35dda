"""The member's feed: pinned, then not yet shared, then newest; keyset cursor."""

from __future__ import annotations

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
from ..selectors.feed import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, colleagues_shared, feed_page
from .items import ITEM_FILTER_PARAMS, ContentItemSerializer, item_filters


class FeedCardSerializer(ContentItemSerializer):
    shared_by_me = serializers.BooleanField(read_only=True)
    colleagues_shared = serializers.SerializerMethodField()

    class Meta(ContentItemSerializer.Meta):
        fields = (*ContentItemSerializer.Meta.fields, "shared_by_me", "colleagues_shared")
        read_only_fields = fields

    def get_colleagues_shared(self, obj: ContentItem) -> int:
        return colleagues_shared(obj)


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

    @extend_schema(parameters=ITEM_FILTER_PARAMS[:-2], responses=FeedCardSerializer(many=True))
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
                "results": FeedCardSerializer(page.items, many=True).data,
                "next_cursor": page.next_cursor,
                "next": next_url,
            }
        )
