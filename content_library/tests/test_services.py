from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from advocacy.models import AuditLogEntry
from content_library import services
from content_library.models import (
    ContentItem,
    ContentItemRevision,
    ItemShareMark,
    Kind,
    Status,
    SuggestionStatus,
)
from content_library.selectors import suggestions_of_member


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
    return services.content_item_create(actor=m(world.a, "manager"), **kw)


def test_lifecycle_draft_review_approved_archived(world):
    item = make_item(world)
    assert item.status == Status.DRAFT and item.created_by == world.a.user("manager")
    item = services.content_item_submit(actor=m(world.a, "manager"), item=item)
    assert item.status == Status.IN_REVIEW
    item = services.content_item_approve(actor=m(world.a, "admin"), item=item)
    assert item.status == Status.APPROVED
    assert item.approved_by == world.a.admin and item.feed_at is not None
    item = services.content_item_archive(actor=m(world.a, "manager"), item=item)
    assert item.status == Status.ARCHIVED
    with pytest.raises(ValidationError):
        services.content_item_approve(actor=m(world.a, "manager"), item=item)
    item = services.content_item_restore(actor=m(world.a, "manager"), item=item)
    assert item.status == Status.DRAFT and item.approved_by is None
    actions = list(
        ContentItemRevision.objects.filter(item=item)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["created", "submitted", "approved", "archived", "restored"]
    assert AuditLogEntry.objects.filter(
        organization=world.a.org, action="content_item.approved"
    ).exists()


@pytest.mark.parametrize("role", ["employee", "hr"])
def test_employees_and_hr_may_not_create_or_approve(world, role):
    with pytest.raises(PermissionDenied):
        services.content_item_create(actor=m(world.a, role), title="x", kind=Kind.TEXT)
    item = make_item(world)
    with pytest.raises(PermissionDenied):
        services.content_item_approve(actor=m(world.a, role), item=item)
    with pytest.raises(PermissionDenied):
        services.content_item_archive(actor=m(world.a, role), item=item)


def test_actor_from_another_tenant_is_refused(world):
    item = make_item(world)
    with pytest.raises(PermissionDenied):
        services.content_item_approve(actor=m(world.b, "admin"), item=item)


def test_return_to_draft_needs_review_state_and_keeps_reason(world):
    item = make_item(world)
    with pytest.raises(ValidationError):
        services.content_item_return_to_draft(actor=m(world.a, "manager"), item=item, reason="x")
    services.content_item_submit(actor=m(world.a, "manager"), item=item)
    item = services.content_item_return_to_draft(
        actor=m(world.a, "manager"), item=item, reason="Fix the title"
    )
    assert item.status == Status.DRAFT
    assert ContentItemRevision.objects.filter(
        item=item, action="returned", note="Fix the title"
    ).exists()


def test_edit_after_approval_goes_back_to_review(world):
    item = make_item(world)
    item = services.content_item_approve(actor=m(world.a, "manager"), item=item)
    # Pinning is not a content change: stays approved.
    item = services.content_item_set_pin(actor=m(world.a, "manager"), item=item, pinned=True)
    assert item.status == Status.APPROVED
    item = services.content_item_update(
        actor=m(world.a, "manager"), item=item, title="Our new office"
    )
    assert item.status == Status.IN_REVIEW and item.approved_by is None
    rev = ContentItemRevision.objects.filter(item=item, action="edited").first()
    assert rev.changes["title"] == ["Our new office in Vilnius", "Our new office"]
    assert "Back to review" in rev.note


def test_caption_edit_after_approval_goes_back_to_review_unless_disabled(world):
    item = services.content_item_approve(actor=m(world.a, "manager"), item=make_item(world))
    services.library_settings_update(actor=m(world.a, "admin"), reapproval_on_edit=False)
    item = services.content_item_update(
        actor=m(world.a, "manager"), item=item, captions=[("linkedin", "Different words")]
    )
    assert item.status == Status.APPROVED
    services.library_settings_update(actor=m(world.a, "admin"), reapproval_on_edit=True)
    item = services.content_item_update(
        actor=m(world.a, "manager"), item=item, captions=[("linkedin", "Other words")]
    )
    assert item.status == Status.IN_REVIEW


def test_approval_refuses_blocking_caption_and_names_it(world):
    from guidelines.services import guideline_rule_create

    guideline_rule_create(
        actor=world.a.members["admin"],
        kind="banned_term",
        pattern="guaranteed returns",
        severity="block",
        message="No promises about returns.",
    )
    item = make_item(
        world, captions=[("linkedin", "Fine words"), ("x", "Guaranteed returns for all!")]
    )
    with pytest.raises(ValidationError) as exc:
        services.content_item_approve(actor=m(world.a, "manager"), item=item)
    msg = " ".join(exc.value.message_dict["captions"])
    assert "X caption 1" in msg and "No promises about returns." in msg
    item.refresh_from_db()
    assert item.status == Status.DRAFT
    # The other tenant's rules do not apply to world.b.
    other = services.content_item_create(
        actor=m(world.b, "manager"),
        title="b",
        kind=Kind.TEXT,
        captions=[("x", "Guaranteed returns")],
    )
    assert (
        services.content_item_approve(actor=m(world.b, "manager"), item=other).status
        == Status.APPROVED
    )


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
    lt = services.content_item_create(
        actor=m(world.a, "manager"),
        title="Naujas biuras",
        kind=Kind.TEXT,
        language="lt",
        translation_of=en,
    )
    assert lt.translation_group == en.translation_group
    with pytest.raises(ValidationError):
        services.content_item_create(
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


def test_share_marks_keep_share_count_exact(world):
    item = services.content_item_approve(actor=m(world.a, "manager"), item=make_item(world))
    emp, mgr = m(world.a, "employee"), m(world.a, "manager")
    services.item_share_mark_record(item=item, membership=emp, network="linkedin")
    services.item_share_mark_record(item=item, membership=emp, network="x")
    services.item_share_mark_record(item=item, membership=mgr)
    item.refresh_from_db()
    assert item.share_count == 2
    mark = ItemShareMark.objects.get(item=item, membership=emp)
    assert mark.times == 2 and mark.networks == ["linkedin", "x"]
    services.item_share_mark_forget(item=item, membership=mgr)
    item.refresh_from_db()
    assert item.share_count == 1
    with pytest.raises(ValidationError):
        services.item_share_mark_record(item=item, membership=m(world.b, "employee"))


def test_suggestion_accept_credits_the_employee(world):
    emp = m(world.a, "employee")
    s = services.suggestion_submit(
        actor=emp, kind="link", url="https://example.com/great", note="Our CTO is quoted"
    )
    item = services.suggestion_accept(
        actor=m(world.a, "manager"),
        suggestion=s,
        title="CTO on AI in logistics",
        captions=[services.CaptionInput("linkedin", "Worth reading")],
        approve=True,
    )
    assert item.suggested_by == emp and item.status == Status.APPROVED
    s.refresh_from_db()
    assert s.status == SuggestionStatus.ACCEPTED and s.item == item
    with pytest.raises(ValidationError):
        services.suggestion_decline(actor=m(world.a, "manager"), suggestion=s, reason="late")


def test_suggestion_post_with_image_becomes_image_item(world):
    emp = m(world.a, "employee")
    s = services.suggestion_submit(
        actor=emp,
        kind="post",
        text="Team day at the lake!",
        image=SimpleUploadedFile("lake.png", png_bytes(), "image/png"),
    )
    item = services.suggestion_accept(actor=m(world.a, "admin"), suggestion=s, title="Team day")
    assert item.kind == Kind.IMAGE and item.images.count() == 1
    assert item.captions.get().text == "Team day at the lake!"


def test_suggestion_decline_reason_is_visible_to_the_employee(world):
    emp = m(world.a, "employee")
    s = services.suggestion_submit(actor=emp, kind="post", text="Buy our stock")
    with pytest.raises(ValidationError):
        services.suggestion_decline(actor=m(world.a, "manager"), suggestion=s, reason="  ")
    with pytest.raises(PermissionDenied):
        services.suggestion_decline(actor=m(world.a, "employee"), suggestion=s, reason="no")
    services.suggestion_decline(
        actor=m(world.a, "manager"), suggestion=s, reason="We cannot talk about the stock."
    )
    mine = suggestions_of_member(membership=emp)
    assert mine[0].status == SuggestionStatus.DECLINED
    assert mine[0].decline_reason == "We cannot talk about the stock."


def test_suggestion_needs_content(world):
    with pytest.raises(ValidationError) as exc:
        services.suggestion_submit(actor=m(world.a, "employee"), kind="link", url="")
    assert "url" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.suggestion_submit(
            actor=m(world.a, "employee"), kind="link", url="javascript:alert(1)"
        )


def test_search_text_covers_captions(world):
    item = make_item(world, captions=[("linkedin", "Sustainability report is out")])
    item.refresh_from_db()
    assert "sustainability" in item.search_text
    assert ContentItem.objects.filter(pk=item.pk, search_text__contains="report").exists()
