"""Employee suggestions (content_library/services/suggestions.py)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from content_library.models import (
    Kind,
    Status,
    SuggestionStatus,
)
from content_library.selectors.review import suggestions_of_member
from content_library.services.item_parts import CaptionInput
from content_library.services.suggestions import (
    suggestion_accept,
    suggestion_decline,
    suggestion_submit,
)


def png_bytes(size=(20, 20)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(buf, format="PNG")
    return buf.getvalue()


def m(tenant, role):
    return tenant.members[role]


def test_suggestion_accept_credits_the_employee(world):
    emp = m(world.a, "employee")
    s = suggestion_submit(
        actor=emp, kind="link", url="https://example.com/great", note="Our CTO is quoted"
    )
    item = suggestion_accept(
        actor=m(world.a, "manager"),
        suggestion=s,
        title="CTO on AI in logistics",
        captions=[CaptionInput("linkedin", "Worth reading")],
        approve=True,
    )
    assert item.suggested_by == emp and item.status == Status.APPROVED
    s.refresh_from_db()
    assert s.status == SuggestionStatus.ACCEPTED and s.item == item
    with pytest.raises(ValidationError):
        suggestion_decline(actor=m(world.a, "manager"), suggestion=s, reason="late")


def test_suggestion_post_with_image_becomes_image_item(world):
    emp = m(world.a, "employee")
    s = suggestion_submit(
        actor=emp,
        kind="post",
        text="Team day at the lake!",
        image=SimpleUploadedFile("lake.png", png_bytes(), "image/png"),
    )
    item = suggestion_accept(actor=m(world.a, "admin"), suggestion=s, title="Team day")
    assert item.kind == Kind.IMAGE and item.images.count() == 1
    assert item.captions.get().text == "Team day at the lake!"


def test_suggestion_decline_reason_is_visible_to_the_employee(world):
    emp = m(world.a, "employee")
    s = suggestion_submit(actor=emp, kind="post", text="Buy our stock")
    with pytest.raises(ValidationError):
        suggestion_decline(actor=m(world.a, "manager"), suggestion=s, reason="  ")
    with pytest.raises(PermissionDenied):
        suggestion_decline(actor=m(world.a, "employee"), suggestion=s, reason="no")
    suggestion_decline(
        actor=m(world.a, "manager"), suggestion=s, reason="We cannot talk about the stock."
    )
    mine = suggestions_of_member(membership=emp)
    assert mine[0].status == SuggestionStatus.DECLINED
    assert mine[0].decline_reason == "We cannot talk about the stock."


def test_suggestion_needs_content(world):
    with pytest.raises(ValidationError) as exc:
        suggestion_submit(actor=m(world.a, "employee"), kind="link", url="")
    assert "url" in exc.value.message_dict
    with pytest.raises(ValidationError):
        suggestion_submit(actor=m(world.a, "employee"), kind="link", url="javascript:alert(1)")
