from __future__ import annotations

import pytest

from guidelines import services
from guidelines.models import GuidelineRule, PolicyAcknowledgement, RuleKind


def base(world, tenant="a"):
    return f"/api/v1/orgs/{getattr(world, tenant).org.slug}/guidelines"


@pytest.fixture
def as_admin(world, api_client):
    api_client.force_login(world.a.admin)
    return api_client


@pytest.fixture
def as_employee(world, api_client):
    api_client.force_login(world.a.employee)
    return api_client


def test_check_endpoint_returns_findings_and_blocking(world, as_employee, rule_factory):
    rule_factory(kind=RuleKind.BANNED_TERM, pattern="žąsis")
    rule_factory(kind=RuleKind.BRAND_SPELLING, pattern="Acmee", replacement="Acme", severity="warn")
    resp = as_employee.post(
        f"{base(world)}/check/",
        {"text": "Zasis ir Acmee 🎉", "network": "linkedin"},
        format="json",
    )
    assert resp.status_code == 200
    data = resp.json()
    assert data["blocking"] is True
    assert [(f["kind"], f["excerpt"]) for f in data["findings"]] == [
        ("banned_term", "Zasis"),
        ("brand_spelling", "Acmee"),
    ]
    assert data["findings"][1]["suggestion"] == "Acme"


def test_check_endpoint_by_get_and_bad_input(world, as_employee):
    resp = as_employee.get(f"{base(world)}/check/", {"text": "x" * 281, "network": "x"})
    assert resp.status_code == 200 and resp.json()["blocking"] is True
    resp = as_employee.post(f"{base(world)}/check/", {"network": "myspace"}, format="json")
    assert resp.status_code == 400
    assert set(resp.json()["errors"]) == {"network"}


def test_check_endpoint_needs_membership(world, api_client):
    api_client.force_login(world.b.employee)
    assert api_client.post(f"{base(world)}/check/", {"text": "x"}, format="json").status_code == 404


def test_rules_crud_for_admins(world, as_admin):
    resp = as_admin.post(
        f"{base(world)}/rules/",
        {"kind": "banned_term", "pattern": "konkurentai", "severity": "block", "networks": ["x"]},
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    rule_id = resp.json()["id"]
    resp = as_admin.patch(f"{base(world)}/rules/{rule_id}/", {"is_active": False}, format="json")
    assert resp.status_code == 200 and resp.json()["is_active"] is False
    resp = as_admin.get(f"{base(world)}/rules/")
    assert [r["id"] for r in resp.json()["results"]] == [rule_id]
    assert as_admin.delete(f"{base(world)}/rules/{rule_id}/").status_code == 204
    assert not GuidelineRule.objects.filter(pk=rule_id).exists()


def test_bad_regex_is_a_400_field_error(world, as_admin):
    resp = as_admin.post(
        f"{base(world)}/rules/",
        {"kind": "confidential_pattern", "pattern": "(a+)+$", "severity": "block"},
        format="json",
    )
    assert resp.status_code == 400
    assert "pattern" in resp.json()["errors"]


def test_employees_cannot_write_or_list_rules(world, as_employee, rule_factory):
    rule = rule_factory(kind=RuleKind.BANNED_TERM, pattern="x")
    assert as_employee.get(f"{base(world)}/rules/").status_code == 403
    assert (
        as_employee.post(
            f"{base(world)}/rules/", {"kind": "banned_term", "pattern": "y"}, format="json"
        ).status_code
        == 403
    )
    assert as_employee.delete(f"{base(world)}/rules/{rule.pk}/").status_code == 403
    assert (
        as_employee.post(
            f"{base(world)}/documents/", {"kind": "faq", "title": "Mine"}, format="json"
        ).status_code
        == 403
    )


def test_rule_list_query_count(world, as_admin, rule_factory, django_assert_max_num_queries):
    for i in range(15):
        rule_factory(kind=RuleKind.BANNED_TERM, pattern=f"term{i}")
    with django_assert_max_num_queries(6):
        resp = as_admin.get(f"{base(world)}/rules/")
    assert len(resp.json()["results"]) == 15


def test_document_lifecycle_through_the_api(world, as_admin):
    resp = as_admin.post(
        f"{base(world)}/documents/",
        {"kind": "policy", "title": "Socialinių tinklų politika", "body_markdown": "# Sveiki"},
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    doc = resp.json()
    assert doc["published_version"] is None and doc["draft_version"]["number"] == 1
    versions = as_admin.get(f"{base(world)}/documents/{doc['id']}/versions/").json()["results"]
    version_id = versions[0]["id"]
    resp = as_admin.post(
        f"{base(world)}/documents/{doc['id']}/versions/{version_id}/publish/",
        {"requires_reacknowledgement": False},
        format="json",
    )
    assert resp.status_code == 200 and resp.json()["is_published"] is True
    assert "<h1>Sveiki</h1>" in resp.json()["rendered_html"]
    resp = as_admin.post(
        f"{base(world)}/documents/{doc['id']}/versions/{version_id}/publish/", {}, format="json"
    )
    assert resp.status_code == 400
    resp = as_admin.post(
        f"{base(world)}/documents/{doc['id']}/draft/", {"body_markdown": "v2"}, format="json"
    )
    assert resp.status_code == 200 and resp.json()["number"] == 2


def test_employees_read_published_documents_only(world, policy, api_client):
    draft_doc = services.policy_document_create(
        actor=world.a.members["admin"], kind="faq", title="Draft FAQ"
    )
    api_client.force_login(world.a.employee)
    listed = api_client.get(f"{base(world)}/documents/").json()["results"]
    assert [d["id"] for d in listed] == [policy.pk]
    assert listed[0]["acknowledgement_required"] is True
    detail = api_client.get(f"{base(world)}/documents/{policy.pk}/").json()
    assert "Share with care" in detail["published_version"]["rendered_html"]
    assert detail["draft_version"] is None
    assert api_client.get(f"{base(world)}/documents/{draft_doc.pk}/").status_code == 404
    api_client.force_login(world.a.admin)
    assert api_client.get(f"{base(world)}/documents/{draft_doc.pk}/").status_code == 200


def test_acknowledge_through_the_api(world, policy, as_employee):
    status = as_employee.get(f"{base(world)}/documents/acknowledgement/").json()
    assert status["required"] is True and status["document_id"] == policy.pk
    resp = as_employee.post(f"{base(world)}/documents/{policy.pk}/acknowledge/")
    assert resp.status_code == 201
    assert PolicyAcknowledgement.objects.filter(membership=world.a.members["employee"]).exists()
    assert as_employee.get(f"{base(world)}/documents/acknowledgement/").json()["required"] is False


def test_document_list_query_count(world, policy, as_employee, django_assert_max_num_queries):
    for i in range(8):
        doc = services.policy_document_create(
            actor=world.a.members["admin"],
            kind="faq",
            title=f"FAQ {i}",
            body_markdown="x",
        )
        services.policy_version_publish(version=doc.versions.get(), actor=world.a.members["admin"])
    with django_assert_max_num_queries(7):
        resp = as_employee.get(f"{base(world)}/documents/")
    assert len(resp.json()["results"]) == 9


def test_foreign_ids_are_404(world, policy, api_client, rule_factory):
    rule = rule_factory(kind=RuleKind.BANNED_TERM, pattern="x")
    api_client.force_login(world.b.admin)
    b = base(world, "b")
    assert api_client.get(f"{b}/documents/{policy.pk}/").status_code == 404
    assert api_client.post(f"{b}/documents/{policy.pk}/acknowledge/").status_code == 404
    assert api_client.get(f"{b}/rules/{rule.pk}/").status_code == 404
    version = policy.versions.get()
    assert api_client.get(f"{b}/documents/{policy.pk}/versions/{version.pk}/").status_code == 404


def test_routes_keep_their_paths_and_names():
    from django.urls import reverse

    org = {"org_slug": "acme"}
    assert reverse("api_guidelines_check", kwargs=org) == "/api/v1/orgs/acme/guidelines/check/"
    assert (
        reverse("api_guidelines_version-list", kwargs={**org, "document_id": 3})
        == "/api/v1/orgs/acme/guidelines/documents/3/versions/"
    )
    assert (
        reverse("api_guidelines_version-detail", kwargs={**org, "document_id": 3, "version_id": 4})
        == "/api/v1/orgs/acme/guidelines/documents/3/versions/4/"
    )
    assert (
        reverse("api_guidelines_version-publish", kwargs={**org, "document_id": 3, "version_id": 4})
        == "/api/v1/orgs/acme/guidelines/documents/3/versions/4/publish/"
    )
    assert (
        reverse("api_guidelines_document-acknowledgement-status", kwargs=org)
        == "/api/v1/orgs/acme/guidelines/documents/acknowledgement/"
    )
    assert reverse("api_guidelines_rule-list", kwargs=org) == "/api/v1/orgs/acme/guidelines/rules/"
