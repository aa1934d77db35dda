"""Keyset (cursor) pagination, the one implementation for pages and API lists.

Hot lists page by the position of their last row, never by OFFSET and never with a
COUNT(*): the cost of a page does not grow with the tenant, and rows inserted meanwhile
neither repeat nor go missing. A cursor is the ordering values of the last row shown,
as base64url JSON. ``cursor_decode`` is the one decoder: a cursor it cannot read, or
whose position has the wrong type (``?cursor=cD1hYmM=``: ``p=abc`` where an id belongs),
raises ``InvalidCursor``; API lists answer it with a 400, pages start from the top.

The ordering may mix directions (``("-is_pinned", "shared_by_me", "-id")``), must end on
a unique column, and may not contain NULLs.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime


class InvalidCursor(ValueError):
    """The cursor is not one this list gave out."""


@dataclass
class KeysetPage:
    items: list[Any]
    next_cursor: str | None
    is_first: bool

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def cursor_encode(values: Sequence[Any]) -> str:
    raw = json.dumps(
        [v.isoformat() if isinstance(v, datetime) else v for v in values], separators=(",", ":")
    )
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_value(value: Any, kind: type) -> Any:
    if kind is datetime:
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is None:
            raise InvalidCursor("not a date and time")
        return parsed
    if kind is bool:
        if not isinstance(value, bool):
            raise InvalidCursor("not a boolean")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidCursor("not a number")
        return value
    if kind is str:
        if not isinstance(value, str):
            raise InvalidCursor("not a string")
        return value
    raise TypeError(f"keyset positions of type {kind!r} are not supported")


def cursor_decode(cursor: str, kinds: Sequence[type]) -> list[Any]:
    """The position a cursor names, one value per ordering column of type ``kinds[i]``
    (``int``, ``bool``, ``str`` or ``datetime``). Raises ``InvalidCursor`` otherwise."""
    if not isinstance(cursor, str) or len(cursor) > 1000:
        raise InvalidCursor("unreadable")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode())
    except (binascii.Error, ValueError, UnicodeError) as exc:
        raise InvalidCursor("unreadable") from exc
    if not isinstance(values, list) or len(values) != len(kinds):
        raise InvalidCursor("wrong shape")
    return [_decode_value(v, k) for v, k in zip(values, kinds, strict=True)]


def order_kinds(model: type[models.Model], order: Sequence[str]) -> list[type]:
    """The position types of an ordering over ``model``'s own columns."""
    kinds: list[type] = []
    for name in (o.lstrip("-") for o in order):
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        internal = field.get_internal_type()
        if internal == "DateTimeField":
            kinds.append(datetime)
        elif internal == "BooleanField":
            kinds.append(bool)
        elif internal in ("CharField", "SlugField", "TextField"):
            kinds.append(str)
        elif "Integer" in internal or internal in ("AutoField", "BigAutoField", "ForeignKey"):
            kinds.append(int)
        else:
            raise TypeError(f"{model.__name__}.{name} ({internal}) cannot be a keyset column")
    return kinds


def keyset_after(order: Sequence[str], values: Sequence[Any]) -> Q:
    """Rows strictly after ``values`` in ``order``: (a > x) or (a = x and b > y) or …,
    with ``>`` meaning "later in this column's direction"."""
    condition = Q(pk__in=[])
    equal = Q()
    for spec, value in zip(order, values, strict=True):
        name = spec.lstrip("-")
        lookup = "lt" if spec.startswith("-") else "gt"
        condition |= equal & Q(**{f"{name}__{lookup}": value})
        equal &= Q(**{name: value})
    return condition


def keyset_page(
    queryset: QuerySet,
    *,
    order: Sequence[str],
    cursor: str | None,
    size: int,
    kinds: Sequence[type] | None = None,
    on_invalid: str = "raise",
) -> KeysetPage:
    """One page of ``queryset`` in ``order`` after ``cursor``.

    ``kinds`` gives the position types when the ordering names annotations (by default
    they come from the model). A cursor ``cursor_decode`` refuses raises ``InvalidCursor``,
    or, with ``on_invalid="first"`` (pages, where a stale link should not be an error
    page), starts from the top.
    """
    order = tuple(order)
    fields = [o.lstrip("-") for o in order]
    kinds = list(kinds) if kinds is not None else order_kinds(queryset.model, order)
    values = None
    if cursor:
        try:
            values = cursor_decode(cursor, kinds)
        except InvalidCursor:
            if on_invalid != "first":
                raise
    qs = queryset.order_by(*order)
    if values is not None:
        qs = qs.filter(keyset_after(order, values))
    rows = list(qs[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = cursor_encode([getattr(last, name) for name in fields])
    return KeysetPage(items=rows, next_cursor=next_cursor, is_first=values is None)


def keyset_links(request: Any, page: KeysetPage) -> dict[str, str | None]:
    """``next_url`` and ``first_url`` of a page, keeping the request's other parameters."""
    next_url = first_url = None
    if page.next_cursor:
        params = request.GET.copy()
        params["cursor"] = page.next_cursor
        next_url = f"{request.path}?{params.urlencode()}"
    if not page.is_first:
        params = request.GET.copy()
        params.pop("cursor", None)
        first_url = f"{request.path}?{params.urlencode()}" if params else request.path
    return {"next_url": next_url, "first_url": first_url}
