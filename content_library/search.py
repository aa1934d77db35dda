"""Full-text search over title, summary and captions.

PostgreSQL: ``ContentItem.search_vector`` (title weighted A, the rest B, the ``simple``
configuration so Lithuanian, Estonian, Russian and English behave alike) behind a GIN
index created by migration 0002 on PostgreSQL only; services refresh it on every write.
SQLite and others: every word of the query must occur in ``search_text``, a case-folded
copy of the same text kept by the same services.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import QuerySet

if TYPE_CHECKING:
    from .models import ContentItem

SEARCH_CONFIG = "simple"
MAX_TERMS = 8


def search_document(item: ContentItem, captions: list[str]) -> str:
    parts = [item.title, item.body, item.preview_title, item.preview_description, *captions]
    return "\n".join(p for p in parts if p).casefold()


def refresh_search_vector(item: ContentItem) -> None:
    """Recompute the PostgreSQL vector from the stored text (no-op elsewhere)."""
    if connection.vendor != "postgresql":
        return
    from django.contrib.postgres.search import SearchVector

    from .models import ContentItem

    ContentItem.objects.filter(pk=item.pk).update(
        search_vector=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("search_text", weight="B", config=SEARCH_CONFIG)
    )


def apply_search(queryset: QuerySet[ContentItem], query: str) -> QuerySet[ContentItem]:
    query = (query or "").strip()[:200]
    if not query:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        return queryset.filter(
            search_vector=SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        )
    terms = [t for t in query.casefold().split() if t.strip('"')][:MAX_TERMS]
    for term in terms:
        queryset = queryset.filter(search_text__contains=term.strip('"'))
    return queryset
