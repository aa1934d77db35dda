from __future__ import annotations

import pytest

from guidelines import services
from guidelines.models import (
    GuidelineRule,
    PolicyAcknowledgement,
    PolicyDocument,
    PolicyImage,
    RuleKind,
)

from .conftest import png_upload


def url(world, rest="", tenant="a"):
    return f"/o/{getattr(world, tenant).org.slug}/guidelines/{rest}"


@pytest.fixture
def as_admin(world, client):
    client.force_login(world.a.admin)
    return client


@pytest.fixture
def as_employee(world, client):
    client.force_login(world.a.employee)
    return client


def test_employee_reads_and_accepts_the_policy(world, policy, as_employee):
    page = as_employee.get(url(world))
    assert page.status_code == 200
    assert "Please read and accept" in page.content.decode()
    page = as_employee.get(url(world, f"{policy.pk}/"))
    html = page.content.decode()
    assert "<h1>Share with care</h1>" in html
    assert "I have read and accept" in html
    assert "Rūta Jonaitienė" in html
    resp = as_employee.post(url(world, f"{policy.pk}/accept/"))
    assert resp.status_code == 302
    assert PolicyAcknowledgement.objects.filter(membership=world.a.members["employee"]).exists()
    html = as_employee.get(url(world, f"{policy.pk}/")).content.decode()
    assert "I have read and accept" not in html
    assert "You have accepted version 1" in html


def test_accept_redirects_to_a_safe_next_only(world, policy, as_employee):
    resp = as_employee.post(url(world, f"{policy.pk}/accept/"), {"next": "https://evil.example/"})
    assert resp["Location"] == url(world, f"{policy.pk}/")
    resp = as_employee.post(url(world, f"{policy.pk}/accept/"), {"next": "/o/acme/"})
    assert resp["Location"] == "/o/acme/"


def test_drafts_are_404_for_employees(world, as_employee):
    draft = services.policy_document_create(
        actor=world.a.members["admin"], kind="faq", title="Secret FAQ"
    )
    assert "Secret FAQ" not in as_employee.get(url(world)).content.decode()
    assert as_employee.get(url(world, f"{draft.pk}/")).status_code == 404


@pytest.mark.parametrize(
    "path",
    ["new/", "rules/", "rules/new/", "{doc}/edit/", "{doc}/versions/{ver}/"],
)
def test_employees_cannot_reach_admin_pages(world, policy, as_employee, path):
    path = path.format(doc=policy.pk, ver=policy.versions.get().pk)
    assert as_employee.get(url(world, path)).status_code == 403


def test_employees_cannot_post_admin_actions(world, policy, as_employee, rule_factory):
    rule = rule_factory(kind=RuleKind.BANNED_TERM, pattern="x")
    version = policy.versions.get()
    for path in (
        "new/",
        "rules/new/",
        f"rules/{rule.pk}/toggle/",
        f"rules/{rule.pk}/delete/",
        f"{policy.pk}/edit/",
        f"{policy.pk}/images/",
        f"{policy.pk}/versions/{version.pk}/publish/",
    ):
        assert as_employee.post(url(world, path), {"title": "x"}).status_code == 403, path
    assert GuidelineRule.objects.filter(pk=rule.pk, is_active=True).exists()


def test_admin_creates_edits_previews_and_publishes(world, as_admin):
    resp = as_admin.post(
        url(world, "new/"),
        {
            "kind": "style_guide",
            "title": "Prekės ženklo gidas",
            "body_markdown": "Rašykite **Acme**.",
        },
    )
    assert resp.status_code == 302
    doc = world.a.org and PolicyDocument.objects.get(organization=world.a.org)
    assert as_admin.get(url(world, f"{doc.pk}/edit/")).status_code == 200
    resp = as_admin.post(
        url(world, f"{doc.pk}/edit/"),
        {
            "title": "Prekės ženklo gidas",
            "body_markdown": "Rašykite **Acme**!<script>x()</script>",
            "preview": "1",
        },
    )
    version = doc.versions.get()
    assert resp["Location"] == url(world, f"{doc.pk}/versions/{version.pk}/")
    html = as_admin.get(resp["Location"]).content.decode()
    assert "<strong>Acme</strong>" in html and "x()" not in html
    preview = as_admin.post(url(world, f"{doc.pk}/preview/"), {"body_markdown": "*hi*"})
    assert "<em>hi</em>" in preview.content.decode()
    resp = as_admin.post(
        url(world, f"{doc.pk}/versions/{version.pk}/publish/"), {"requires_reacknowledgement": "on"}
    )
    assert resp.status_code == 302
    version.refresh_from_db()
    assert version.is_published and version.requires_reacknowledgement


def test_admin_uploads_and_deletes_images(world, policy, as_admin):
    resp = as_admin.post(
        url(world, f"{policy.pk}/images/"), {"image": png_upload(), "alt_text": "Logo"}
    )
    assert resp.status_code == 302
    image = PolicyImage.objects.get(document=policy)
    page = as_admin.get(url(world, f"{policy.pk}/edit/")).content.decode()
    assert image.markdown_snippet in page
    bad = as_admin.post(
        url(world, f"{policy.pk}/images/"),
        {"image": png_upload().__class__("x.png", b"nope", content_type="image/png")},
    )
    assert bad.status_code == 400
    assert "PNG, JPEG, GIF or WebP" in bad.content.decode()
    resp = as_admin.post(url(world, f"{policy.pk}/images/{image.pk}/delete/"))
    assert resp.status_code == 302
    assert not PolicyImage.objects.filter(pk=image.pk).exists()


def test_rule_pages(world, as_admin):
    resp = as_admin.post(
        url(world, "rules/new/"),
        {"kind": "confidential_pattern", "pattern": "(a|aa)+$", "severity": "block"},
    )
    assert resp.status_code == 400
    assert "too slow" in resp.content.decode() or "Repetition" in resp.content.decode()
    resp = as_admin.post(
        url(world, "rules/new/"),
        {
            "kind": "brand_spelling",
            "pattern": "Acmee",
            "replacement": "Acme",
            "severity": "warn",
            "networks": ["linkedin", "x"],
        },
    )
    assert resp.status_code == 302
    rule = GuidelineRule.objects.get(organization=world.a.org)
    assert rule.networks == ["linkedin", "x"]
    assert as_admin.get(url(world, f"rules/{rule.pk}/")).status_code == 200
    resp = as_admin.post(
        url(world, f"rules/{rule.pk}/"),
        {"kind": "brand_spelling", "pattern": "Akme", "replacement": "Acme", "severity": "block"},
    )
    assert resp.status_code == 302
    rule.refresh_from_db()
    assert rule.pattern == "Akme" and rule.networks == []
    as_admin.post(url(world, f"rules/{rule.pk}/toggle/"))
    rule.refresh_from_db()
    assert not rule.is_active
    assert as_admin.get(url(world, f"rules/{rule.pk}/delete/")).status_code == 200
    as_admin.post(url(world, f"rules/{rule.pk}/delete/"))
    assert not GuidelineRule.objects.filter(pk=rule.pk).exists()


def test_rule_list_includes_the_try_it_checker(
    world, as_admin, rule_factory, django_assert_max_num_queries
):
    for i in range(12):
        rule_factory(kind=RuleKind.BANNED_TERM, pattern=f"term{i}", networks=["x"])
    with django_assert_max_num_queries(6):
        resp = as_admin.get(url(world, "rules/"))
    html = resp.content.decode()
    assert 'hx-trigger="input changed delay:300ms' in html
    assert url(world, "check/") in html
    assert html.count("data-rule-id=") == 12


def test_rule_list_names_the_networks_of_the_length_limits(world, as_admin):
    html = as_admin.get(url(world, "rules/")).content.decode()
    assert "LinkedIn: 3,000" in html and "linkedin: 3000" not in html


def test_document_list_query_count(world, policy, as_admin, django_assert_max_num_queries):
    for i in range(6):
        services.policy_document_create(
            actor=world.a.members["admin"], kind="faq", title=f"FAQ {i}"
        )
    with django_assert_max_num_queries(7):
        resp = as_admin.get(url(world))
    assert resp.content.decode().count("Draft, not published") == 6


def test_check_partial_flags_terms_and_offers_fixes(world, as_employee, rule_factory):
    rule_factory(kind=RuleKind.BANNED_TERM, pattern="žąsis")
    rule_factory(kind=RuleKind.BRAND_SPELLING, pattern="Acmee", replacement="Acme", severity="warn")
    resp = as_employee.post(
        url(world, "check/"),
        {
            "caption_li": "🎉 ZASIS ir Acmee",
            "field": "caption_li",
            "network": "linkedin",
            "target": "cap-li",
        },
    )
    html = resp.content.decode()
    assert resp.status_code == 200
    assert 'data-blocking="true"' in html
    assert 'data-kind="banned_term"' in html
    assert (
        'data-caption-fix data-target="cap-li" data-start="12" data-end="17" data-original="Acmee" data-suggestion="Acme"'
        in html
    )
    resp = as_employee.post(url(world, "check/"), {"text": "Labas", "network": "x"})
    assert "No problems found." in resp.content.decode()
    assert (
        as_employee.post(url(world, "check/"), {"text": "x", "network": "nope"}).status_code == 400
    )


def test_foreign_ids_are_404_for_every_method(world, policy, client):
    client.force_login(world.b.admin)
    for path in (f"{policy.pk}/", f"{policy.pk}/accept/", f"{policy.pk}/edit/"):
        assert client.get(url(world, path, "b")).status_code == 404
        assert client.post(url(world, path, "b")).status_code == 404


def test_navigation_entries(world, client):
    client.force_login(world.a.employee)
    html = client.get(f"/o/{world.a.org.slug}/").content.decode()
    assert url(world) in html and url(world, "rules/") not in html
    client.force_login(world.a.admin)
    html = client.get(f"/o/{world.a.org.slug}/").content.decode()
    assert url(world, "rules/") in html
