"""What the library pages share: the filter bar, integer query parameters."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ..models import (
    Category,
    Kind,
    Status,
    Topic,
)
from ..selectors.filters import ItemFilters


def filter_context(organization: Any, filters: ItemFilters) -> dict[str, Any]:
    return {
        "filters": filters,
        "categories": Category.choices,
        "kinds": Kind.choices,
        "statuses": [*Status.choices, ("scheduled", _("Scheduled")), ("expired", _("Expired"))],
        "topics": list(Topic.objects.for_org(organization).order_by("name")[:200]),
    }


def filters_from_request(request: HttpRequest) -> tuple[ItemFilters, bool]:
    """The page's filters and whether they were valid. Invalid ones (a NUL character,
    which PostgreSQL refuses) are dropped with a message: the page then answers 400."""
    try:
        return ItemFilters.from_params(request.GET), True
    except ValidationError:
        if not request.headers.get("HX-Request"):
            messages.error(request, filter_refused_message())
        return ItemFilters(), False


def filter_refused_message() -> str:
    return _("The search or a filter contains a character that is not allowed; it was ignored.")


def int_param(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
