"""The one keyset module: encoding, the one decoder, mixed orderings, page links."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import pytest
from django.test import RequestFactory
from django.utils import timezone

from advocacy.keyset import (
    InvalidCursor,
    cursor_decode,
    cursor_encode,
    keyset_links,
    keyset_page,
)
from advocacy.models import Membership


def test_encode_decode_round_trip_with_every_kind():
    when = timezone.now()
    cursor = cursor_encode([True, 3, "x", when])
    assert cursor_decode(cursor, [bool, int, str, datetime]) == [True, 3, "x", when]


@pytest.mark.parametrize(
    "cursor,kinds",
    [
        ("cD1hYmM=", [int]),  # "p=abc"
        (cursor_encode(["abc"]), [int]),
        (cursor_encode([True]), [int]),  # a boolean is not a number here
        (cursor_encode([1]), [bool]),
        (cursor_encode(["yesterday"]), [datetime]),
        (cursor_encode([1, 2]), [int]),
        (cursor_encode(cast(Any, {"a": 1})), [int]),  # deliberately not a sequence
        ("***", [int]),
        ("", [int]),
        ("a" * 2000, [int]),
    ],
)
def test_the_decoder_refuses_what_it_did_not_give_out(cursor, kinds):
    with pytest.raises(InvalidCursor):
        cursor_decode(cursor, kinds)


def test_pages_walk_every_row_once_in_a_mixed_order(world):
    qs = Membership.objects.for_org(world.a.org)
    order = ("role", "-id")
    seen: list[int] = []
    cursor: str | None = None
    while True:
        page = keyset_page(qs, order=order, cursor=cursor, size=1)
        seen.extend(m.pk for m in page)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    expected = list(qs.order_by(*order).values_list("pk", flat=True))
    assert seen == expected


def test_an_invalid_cursor_raises_or_starts_from_the_top(world):
    qs = Membership.objects.for_org(world.a.org)
    with pytest.raises(InvalidCursor):
        keyset_page(qs, order=("-id",), cursor="cD1hYmM=", size=2)
    page = keyset_page(qs, order=("-id",), cursor="cD1hYmM=", size=2, on_invalid="first")
    assert page.is_first and len(page) == 2


def test_links_keep_the_other_parameters(world):
    qs = Membership.objects.for_org(world.a.org)
    page = keyset_page(qs, order=("-id",), cursor=None, size=1)
    links = keyset_links(RequestFactory().get("/members/", {"q": "a"}), page)
    next_url = links["next_url"]
    assert next_url and next_url.startswith("/members/?q=a&cursor=")
    assert links["first_url"] is None
    assert page.next_cursor
    second = keyset_page(qs, order=("-id",), cursor=page.next_cursor, size=1)
    request = RequestFactory().get("/members/", {"q": "a", "cursor": page.next_cursor})
    assert keyset_links(request, second)["first_url"] == "/members/?q=a"
