"""Share marks (content_library/services/share_marks.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from content_library.models import (
    ItemShareMark,
    Kind,
)
from content_library.services.items import (
    content_item_create,
)
from content_library.services.review import (
    content_item_approve,
)
from content_library.services.share_marks import item_share_mark_forget, item_share_mark_record


def m(tenant, role):
    return tenant.members[role]


def make_item(world, **kw):
    kw.setdefault("title", "Our new office in Vilnius")
    kw.setdefault("kind", Kind.TEXT)
    kw.setdefault(
        "captions",
        [
            ("linkedin", "We moved! #acme"),
            ("linkedin", "New home for our team #acme"),
            ("x", "New office!"),
        ],
    )
    return content_item_create(actor=m(world.a, "manager"), **kw)


def test_share_marks_keep_share_count_exact(world):
    item = content_item_approve(actor=m(world.a, "admin"), item=make_item(world))
    emp, mgr = m(world.a, "employee"), m(world.a, "manager")
    item_share_mark_record(item=item, membership=emp, network="linkedin")
    item_share_mark_record(item=item, membership=emp, network="x")
    item_share_mark_record(item=item, membership=mgr)
    item.refresh_from_db()
    assert item.share_count == 2
    mark = ItemShareMark.objects.get(item=item, membership=emp)
    assert mark.times == 2 and mark.networks == ["linkedin", "x"]
    item_share_mark_forget(item=item, membership=mgr)
    item.refresh_from_db()
    assert item.share_count == 1
    with pytest.raises(ValidationError):
        item_share_mark_record(item=item, membership=m(world.b, "employee"))
