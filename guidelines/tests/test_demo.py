from __future__ import annotations

from guidelines import demo, selectors
from guidelines.checker import apply_fix, check_caption
from guidelines.models import GuidelineRule, PolicyAcknowledgement, PolicyDocument


def _counts(org):
    return (
        PolicyDocument.objects.filter(organization=org).count(),
        GuidelineRule.objects.filter(organization=org).count(),
        PolicyAcknowledgement.objects.filter(organization=org).count(),
    )


def test_seed_is_idempotent_and_useful(world):
    org = world.a.org
    org.name, org.default_language = "Baltijos Pienas", "lt"
    org.save()
    members = list(world.a.members.values())
    demo.seed(organization=org, members=members)
    first = _counts(org)
    demo.seed(organization=org, members=members)
    assert _counts(org) == first
    assert first[0] == 3 and first[1] >= 8
    titles = set(PolicyDocument.objects.filter(organization=org).values_list("title", flat=True))
    assert "Socialinių tinklų politika" in titles
    employee = world.a.members["employee"]
    assert selectors.policy_acknowledgement_required(membership=employee) is not None
    assert selectors.policy_acknowledgement_required(membership=world.a.members["admin"]) is None

    text = "Sveikinimai iš baltijos pienas! KONFIDENCIALU: project ABCD-12"
    findings = check_caption(org, "linkedin", text)
    assert {f.kind for f in findings} == {
        "brand_spelling",
        "banned_term",
        "confidential_pattern",
        "required_text",
    }
    brand = next(f for f in findings if f.kind == "brand_spelling")
    assert apply_fix(text, brand).startswith("Sveikinimai iš Baltijos Pienas!")


def test_seed_in_english(world):
    demo.seed(organization=world.b.org, members=list(world.b.members.values()))
    assert PolicyDocument.objects.filter(
        organization=world.b.org, slug="social-media-policy"
    ).exists()
    findings = check_caption(world.b.org, "x", "Internal only: LT12 1000 0111 0100 1000")
    assert {f.kind for f in findings} == {"banned_term", "confidential_pattern"}
