"""Creating and editing items (content_library/services/items.py, item_parts.py)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from content_library.models import (
    ContentItem,
    ContentItemRevision,
    Kind,
    Status,
)
from content_library.services.items import (
    content_item_create,
    content_item_set_pin,
    content_item_update,
)
from content_library.services.library_settings import library_settings_update
from content_library.services.review import (
    content_item_approve,
)


def png_bytes(size=(20, 20)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(buf, format="PNG")
    return buf.getvalue()


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


def test_edit_after_approval_goes_back_to_review(world):
    item = make_item(world)
    item = content_item_approve(actor=m(world.a, "admin"), item=item)
    # Pinning is not a content change: stays approved.
    item = content_item_set_pin(actor=m(world.a, "manager"), item=item, pinned=True)
    assert item.status == Status.APPROVED
    item = content_item_update(actor=m(world.a, "manager"), item=item, title="Our new office")
    assert item.status == Status.IN_REVIEW and item.approved_by is None
    rev = ContentItemRevision.objects.filter(item=item, action="edited").first()
    assert rev.changes["title"] == ["Our new office in Vilnius", "Our new office"]
    assert "Back to review" in rev.note


def test_caption_edit_after_approval_goes_back_to_review_unless_disabled(world):
    item = content_item_approve(actor=m(world.a, "admin"), item=make_item(world))
    library_settings_update(actor=m(world.a, "admin"), reapproval_on_edit=False)
    item = content_item_update(
        actor=m(world.a, "manager"), item=item, captions=[("linkedin", "Different words")]
    )
    assert item.status == Status.APPROVED
    library_settings_update(actor=m(world.a, "admin"), reapproval_on_edit=True)
    item = content_item_update(
        actor=m(world.a, "manager"), item=item, captions=[("linkedin", "Other words")]
    )
    assert item.status == Status.IN_REVIEW


def test_caption_validation(world):
    with pytest.raises(ValidationError) as exc:
        make_item(world, captions=[("x", "y" * 281)])
    assert "captions" in exc.value.message_dict
    with pytest.raises(ValidationError):
        make_item(world, captions=[("myspace", "hello")])


def test_link_item_needs_url_and_window_order(world):
    with pytest.raises(ValidationError) as exc:
        make_item(world, kind=Kind.LINK)
    assert "url" in exc.value.message_dict
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        make_item(world, publish_at=now, expires_at=now - timedelta(hours=1))
    assert "expires_at" in exc.value.message_dict


def test_image_validation_wrong_type_and_too_big(world, settings):
    with pytest.raises(ValidationError) as exc:
        make_item(
            world,
            kind=Kind.IMAGE,
            images=[SimpleUploadedFile("x.png", b"not an image", "image/png")],
        )
    assert "images" in exc.value.message_dict
    settings.CONTENT_IMAGE_MAX_BYTES = 100
    with pytest.raises(ValidationError) as exc:
        make_item(
            world,
            kind=Kind.IMAGE,
            images=[SimpleUploadedFile("x.png", png_bytes((200, 200)), "image/png")],
        )
    assert "too big" in " ".join(exc.value.message_dict["images"])
    settings.CONTENT_IMAGE_MAX_BYTES = 5_000_000
    item = make_item(
        world,
        kind=Kind.IMAGE,
        images=[(SimpleUploadedFile("x.png", png_bytes(), "image/png"), "Red square")],
    )
    img = item.images.get()
    assert img.width == 20 and img.alt_text == "Red square"
    assert img.image.name.startswith(f"content/{world.a.org.pk}/")


def test_image_item_needs_an_image(world):
    with pytest.raises(ValidationError):
        make_item(world, kind=Kind.IMAGE)


def test_language_variant_one_per_language(world):
    en = make_item(world)
    lt = content_item_create(
        actor=m(world.a, "manager"),
        title="Naujas biuras",
        kind=Kind.TEXT,
        language="lt",
        translation_of=en,
    )
    assert lt.translation_group == en.translation_group
    with pytest.raises(ValidationError):
        content_item_create(
            actor=m(world.a, "manager"),
            title="Dar",
            kind=Kind.TEXT,
            language="lt",
            translation_of=en,
        )


def test_targeting_rejects_foreign_department(world):
    with pytest.raises(ValidationError) as exc:
        make_item(world, departments=[world.b.department.pk])
    assert "departments" in exc.value.message_dict


def test_search_text_covers_captions(world):
    item = make_item(world, captions=[("linkedin", "Sustainability report is out")])
    item.refresh_from_db()
    assert "sustainability" in item.search_text
    assert ContentItem.objects.filter(pk=item.pk, search_text__contains="report").exists()
