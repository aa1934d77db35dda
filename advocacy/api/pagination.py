"""Keyset (cursor) pagination: no COUNT(*) and stable under inserts."""

from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 200
