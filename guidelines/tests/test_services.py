from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from advocacy.models import AuditLogEntry
from guidelines import selectors, services
from guidelines.markdown import render_markdown
from guidelines.models import DocumentKind, PolicyAcknowledgement, PolicyVersion, RuleKind

from .conftest import png_upload


def test_document_starts_with_a_draft_version(world):
    document = services.policy_document_create(
        actor=world.a.members["admin"],
        kind=DocumentKind.FAQ,
        title="Dažni klausimai",
        body_markdown="Q?",
    )
    assert document.slug == "dazni-klausimai"
    [version] = document.versions.all()
    assert version.number == 1 and not version.is_published
    assert AuditLogEntry.objects.filter(
        organization=world.a.org, action="policy_document.created"
    ).exists()
    # Same title again: a distinct address.
    again = services.policy_document_create(
        actor=world.a.members["admin"],
        kind=DocumentKind.FAQ,
        title="Dažni klausimai",
    )
    assert again.slug == "dazni-klausimai-2"


def test_slugs_are_unique_per_organization_only(world):
    a = services.policy_document_create(actor=world.a.members["admin"], kind="faq", title="FAQ")
    b = services.policy_document_create(actor=world.b.members["admin"], kind="faq", title="FAQ")
    assert a.slug == b.slug == "faq"


def test_invalid_document_input_is_a_validation_error(world):
    with pytest.raises(ValidationError) as exc:
        services.policy_document_create(actor=world.a.members["admin"], kind="memo", title=" ")
    assert set(exc.value.message_dict) == {"kind", "title"}


def test_publish_renders_and_freezes_the_version(world, policy):
    version = policy.versions.get()
    assert version.is_published
    assert "<h1>Share with care</h1>" in version.rendered_html
    with pytest.raises(ValidationError):
        services.policy_version_update(
            version=version, actor=world.a.members["admin"], body_markdown="x"
        )
    with pytest.raises(ValidationError):
        services.policy_version_publish(version=version, actor=world.a.members["admin"])
    version.body_markdown = "sneaky"
    with pytest.raises(TypeError):
        version.save()
    fresh = PolicyVersion.objects.get(pk=version.pk)
    assert fresh.body_markdown.startswith("# Share with care")


def test_editing_after_publish_makes_a_new_draft(world, policy):
    draft = services.policy_version_draft_save(
        document=policy, actor=world.a.members["admin"], body_markdown="v2 text"
    )
    assert draft.number == 2 and not draft.is_published
    same = services.policy_version_draft_save(
        document=policy, actor=world.a.members["admin"], body_markdown="v2 text, edited"
    )
    assert same.pk == draft.pk and same.body_markdown == "v2 text, edited"
    latest = selectors.policy_version_latest_published(document=policy)
    assert latest is not None and latest.number == 1
    current_draft = selectors.policy_version_draft(document=policy)
    assert current_draft is not None and current_draft.pk == draft.pk


def test_empty_draft_cannot_be_published(world):
    document = services.policy_document_create(
        actor=world.a.members["admin"], kind="policy", title="P"
    )
    with pytest.raises(ValidationError) as exc:
        services.policy_version_publish(
            version=document.versions.get(), actor=world.a.members["admin"]
        )
    assert "body_markdown" in exc.value.message_dict


def test_acknowledgement_gate(world, policy):
    member = world.a.members["employee"]
    v1 = policy.versions.get()
    assert selectors.policy_acknowledgement_required(membership=member) == v1
    services.policy_acknowledge(actor=member, version=v1)
    services.policy_acknowledge(actor=member, version=v1)  # idempotent
    assert PolicyAcknowledgement.objects.filter(membership=member).count() == 1
    assert selectors.policy_acknowledgement_required(membership=member) is None

    # A new version without re-acknowledgement: nothing to do.
    v2 = services.policy_version_draft_save(
        document=policy, actor=world.a.members["admin"], body_markdown="v2"
    )
    services.policy_version_publish(version=v2, actor=world.a.members["admin"])
    assert selectors.policy_acknowledgement_required(membership=member) is None

    # A version marked "requires re-acknowledgement": the latest must be accepted.
    v3 = services.policy_version_draft_save(
        document=policy, actor=world.a.members["admin"], body_markdown="v3"
    )
    services.policy_version_publish(
        version=v3, actor=world.a.members["admin"], requires_reacknowledgement=True
    )
    v4 = services.policy_version_draft_save(
        document=policy, actor=world.a.members["admin"], body_markdown="v4"
    )
    services.policy_version_publish(version=v4, actor=world.a.members["admin"])
    required = selectors.policy_acknowledgement_required(membership=member)
    assert required is not None and required.pk == v4.pk
    with pytest.raises(ValidationError):
        services.policy_acknowledge(actor=member, version=v3)  # not the latest
    services.policy_acknowledge(actor=member, version=v4)
    assert selectors.policy_acknowledgement_required(membership=member) is None


def test_new_member_must_accept_even_without_reacknowledgement(world, policy):
    v2 = services.policy_version_draft_save(
        document=policy, actor=world.a.members["admin"], body_markdown="v2"
    )
    services.policy_version_publish(version=v2, actor=world.a.members["admin"])
    manager = world.a.members["manager"]
    pending = selectors.policy_acknowledgement_required(membership=manager)
    assert pending is not None and pending.pk == v2.pk


def test_only_policies_gate_and_only_published_ones(world):
    services.policy_document_create(
        actor=world.a.members["admin"], kind="faq", title="FAQ", body_markdown="x"
    )
    services.policy_document_create(
        actor=world.a.members["admin"], kind="policy", title="Draft policy"
    )
    member = world.a.members["employee"]
    assert selectors.policy_acknowledgement_required(membership=member) is None


def test_gate_is_two_queries(world, policy, django_assert_num_queries):
    member = world.a.members["employee"]
    with django_assert_num_queries(2):
        selectors.policy_acknowledgement_required(membership=member)


def test_acknowledging_another_tenants_version_is_refused(world, policy):
    with pytest.raises(ValidationError):
        services.policy_acknowledge(
            actor=world.b.members["employee"], version=policy.versions.get()
        )


def test_acknowledgement_time_is_recorded(world, policy):
    with time_machine.travel("2026-03-01 09:00:00+00:00", tick=False):
        ack = services.policy_acknowledge(
            actor=world.a.members["employee"], version=policy.versions.get()
        )
    assert ack.acknowledged_at.isoformat() == "2026-03-01T09:00:00+00:00"


def test_image_upload_validates_and_stores_under_the_organization(world, policy):
    image = services.policy_image_upload(
        document=policy, actor=world.a.members["admin"], upload=png_upload(), alt_text="Logo"
    )
    name = image.image.name
    assert name and name.startswith(f"guidelines/{world.a.org.pk}/")
    assert name.endswith(".png")
    assert (image.width, image.height) == (4, 3)
    assert image.markdown_snippet == f"![Logo]({image.image.url})"
    html = render_markdown(image.markdown_snippet, organization=world.a.org)
    assert f'src="{image.image.url}"' in html
    services.policy_image_delete(image=image, actor=world.a.members["admin"])


def test_image_upload_refuses_non_images(world, policy):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", content_type="image/png")
    with pytest.raises(ValidationError) as exc:
        services.policy_image_upload(document=policy, actor=world.a.members["admin"], upload=fake)
    assert "image" in exc.value.message_dict


def test_image_upload_refuses_huge_dimensions(world, policy):
    with pytest.raises(ValidationError):
        services.policy_image_upload(
            document=policy, actor=world.a.members["admin"], upload=png_upload(size=(7000, 1))
        )


# --- Rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"kind": RuleKind.BANNED_TERM, "pattern": "  "}, "pattern"),
        ({"kind": RuleKind.BRAND_SPELLING, "pattern": "Acme"}, "replacement"),
        (
            {"kind": RuleKind.BRAND_SPELLING, "pattern": "Acme", "replacement": "Acme"},
            "replacement",
        ),
        ({"kind": RuleKind.MAX_LENGTH}, "max_length"),
        ({"kind": RuleKind.BANNED_TERM, "pattern": "x", "networks": ["myspace"]}, "networks"),
        ({"kind": "nonsense", "pattern": "x"}, "kind"),
        ({"kind": RuleKind.BANNED_TERM, "pattern": "x", "severity": "panic"}, "severity"),
        ({"kind": RuleKind.CONFIDENTIAL_PATTERN, "pattern": "(unclosed"}, "pattern"),
    ],
)
def test_rule_validation(world, fields, error_field):
    fields.setdefault("severity", "warn")
    with pytest.raises(ValidationError) as exc:
        services.guideline_rule_create(actor=world.a.members["admin"], **fields)
    assert error_field in exc.value.message_dict


def test_rule_changes_are_audited(world):
    rule = services.guideline_rule_create(
        actor=world.a.members["admin"],
        kind=RuleKind.BANNED_TERM,
        pattern=" konkurentai ",
        severity="block",
    )
    assert rule.pattern == "konkurentai"
    services.guideline_rule_delete(rule=rule, actor=world.a.members["admin"])
    actions = list(
        AuditLogEntry.objects.filter(organization=world.a.org, target_type="guidelinerule")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["guideline_rule.created", "guideline_rule.deleted"]


# --- One permission boundary: the services check the actor's role and tenant --------------


def _calls(world, policy):
    """Every guideline write, as a function of the acting membership."""
    rule = services.guideline_rule_create(
        actor=world.a.members["admin"], kind=RuleKind.BANNED_TERM, pattern="x", severity="warn"
    )
    image = services.policy_image_upload(
        actor=world.a.members["admin"], document=policy, upload=png_upload()
    )
    draft_doc = services.policy_document_create(
        actor=world.a.members["admin"], kind="faq", title="Draft", body_markdown="x"
    )
    draft = draft_doc.versions.get()
    return {
        "policy_document_create": lambda a: services.policy_document_create(
            actor=a, kind="faq", title="T"
        ),
        "policy_document_update": lambda a: services.policy_document_update(
            actor=a, document=policy, title="T"
        ),
        "policy_version_draft_save": lambda a: services.policy_version_draft_save(
            actor=a, document=policy, body_markdown="y"
        ),
        "policy_version_update": lambda a: services.policy_version_update(
            actor=a, version=draft, body_markdown="y"
        ),
        "policy_version_publish": lambda a: services.policy_version_publish(actor=a, version=draft),
        "policy_image_upload": lambda a: services.policy_image_upload(
            actor=a, document=policy, upload=png_upload()
        ),
        "policy_image_delete": lambda a: services.policy_image_delete(actor=a, image=image),
        "policy_reminders_send": lambda a: services.policy_reminders_send(actor=a, document=policy),
        "guideline_rule_create": lambda a: services.guideline_rule_create(
            actor=a, kind=RuleKind.BANNED_TERM, pattern="y", severity="warn"
        ),
        "guideline_rule_update": lambda a: services.guideline_rule_update(
            actor=a, rule=rule, pattern="z"
        ),
        "guideline_rule_set_active": lambda a: services.guideline_rule_set_active(
            actor=a, rule=rule, is_active=False
        ),
        "guideline_rule_delete": lambda a: services.guideline_rule_delete(actor=a, rule=rule),
    }


@pytest.mark.parametrize("role", ["employee", "manager", "hr"])
def test_lower_roles_are_refused_by_every_write(world, policy, role):
    calls = _calls(world, policy)
    actor = world.a.members[role]
    before = AuditLogEntry.objects.filter(organization=world.a.org).count()
    for name, call in calls.items():
        with pytest.raises(PermissionDenied):
            call(actor)
            pytest.fail(f"{name} let a {role} through")
    assert AuditLogEntry.objects.filter(organization=world.a.org).count() == before


def test_another_tenants_admin_is_refused_by_every_write(world, policy):
    calls = _calls(world, policy)
    calls.pop("policy_document_create")  # creates in the actor's own organization
    calls.pop("guideline_rule_create")
    for call in calls.values():
        with pytest.raises(PermissionDenied):
            call(world.b.members["admin"])


def test_an_inactive_admin_is_refused(world, policy):
    admin = world.a.members["admin"]
    admin.is_active = False
    with pytest.raises(PermissionDenied):
        services.policy_document_update(actor=admin, document=policy, title="T")
    with pytest.raises(PermissionDenied):
        services.policy_acknowledge(actor=admin, version=policy.versions.get())


def test_any_active_member_accepts_for_themselves(world, policy):
    for member in world.a.members.values():
        ack = services.policy_acknowledge(actor=member, version=policy.versions.get())
        assert ack.membership_id == member.pk
