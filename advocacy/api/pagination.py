"""Keyset (cursor) pagination for every API list: no COUNT(*), stable under inserts.

It pages through ``advocacy.keyset``, the one implementation pages use too, so a cursor
is decoded by the one decoder: a cursor that is not one this list gave out (unreadable,
or with a position of the wrong type such as ``?cursor=cD1hYmM=``) is a 400 in the API's
error format, never a 500.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import remove_query_param, replace_query_param

from ..keyset import InvalidCursor, KeysetPage, keyset_page

INVALID_CURSOR = _("This cursor is not valid. Start again from the first page.")


class KeysetPagination(BasePagination):
    """Newest first by id; subclasses set another descending or mixed ``ordering``."""

    ordering: tuple[str, ...] = ("-id",)
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    max_page_size = 200

    def __init__(self) -> None:
        self.page: KeysetPage | None = None
        self.request: Request | None = None

    def get_page_size(self, request: Request) -> int:
        default = api_settings.PAGE_SIZE or 50
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return default
        try:
            size = int(raw)
        except (TypeError, ValueError):
            return default
        if size <= 0:
            return default
        return min(size, self.max_page_size)

    # Keyset pagination needs a queryset to order and filter; DRF's signature also allows a list.
    def paginate_queryset(  # type: ignore[override]
        self, queryset: QuerySet, request: Request, view: Any = None
    ) -> list[Any]:
        self.request = request
        ordering = self.ordering if isinstance(self.ordering, tuple) else (self.ordering,)
        try:
            self.page = keyset_page(
                queryset,
                order=ordering,
                cursor=request.query_params.get(self.cursor_query_param) or None,
                size=self.get_page_size(request),
            )
        except InvalidCursor as exc:
            raise ValidationError({self.cursor_query_param: [INVALID_CURSOR]}) from exc
        return self.page.items

    def get_next_link(self) -> str | None:
        if self.page is None or self.page.next_cursor is None or self.request is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self.page.next_cursor)

    def get_first_link(self) -> str | None:
        if self.request is None:
            return None
        return remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "next": self.get_next_link(),
                "next_cursor": self.page.next_cursor if self.page else None,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["next", "next_cursor", "results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "next_cursor": {"type": "string", "nullable": True},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The next_cursor of the previous page.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page (at most {self.max_page_size}).",
                "schema": {"type": "integer"},
            },
        ]
