"""Isolation-walker registry of the content library's routes (see advocacy/tests/isolation.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _item(t: Any) -> int:
    from .factories import ApprovedItemFactory

    return ApprovedItemFactory.create(organization=t.org).pk


def _suggestion(t: Any) -> int:
    from .factories import SuggestionFactory

    return SuggestionFactory.create(organization=t.org, submitted_by=t.members["employee"]).pk


def _source(t: Any) -> int:
    from .factories import FeedSourceFactory

    return FeedSourceFactory.create(organization=t.org).pk


def _topic(t: Any) -> int:
    from .factories import TopicFactory

    return TopicFactory.create(organization=t.org).pk


KWARG_FACTORIES: dict[str, Callable[[Any], Any]] = {
    "item_id": _item,
    "suggestion_id": _suggestion,
    "source_id": _source,
    "topic_id": _topic,
}
