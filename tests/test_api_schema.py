"""The OpenAPI schema says what the API answers (each finding of the schema-driven fuzz,
tests/test_api_fuzz.py, pinned down on its own)."""

from __future__ import annotations

from typing import Any

import pytest

from content_library.tests.factories import ApprovedItemFactory
from social.tests.factories import NetworkAccountFactory

pytestmark = pytest.mark.django_db

METHODS = ("get", "put", "post", "patch", "delete")


@pytest.fixture
def schema(world, api_client) -> dict[str, Any]:
    api_client.force_authenticate(world.a.employee)
    response = api_client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _component(schema: dict[str, Any], ref: str) -> dict[str, Any]:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def _response_schema(schema: dict[str, Any], path: str, method: str, code: str) -> dict:
    return schema["paths"][path][method]["responses"][code]["content"]["application/json"]["schema"]


def test_every_operation_documents_its_errors_in_the_error_format(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["errors", "code", "status"]
    operations = 0
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            operations += 1
            responses = item[method]["responses"]
            expected = {"401", "403", "429"}
            if "{" in path:
                expected.add("404")
            if method != "get":
                expected.add("400")
            assert expected <= set(responses), f"{method.upper()} {path}: {sorted(responses)}"
            for code in expected:
                ref = responses[code]["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", (path, method, code)
            assert "Retry-After" in responses["429"]["headers"]
    assert operations > 70


def test_the_feed_is_documented_as_the_page_it_answers(schema, world, api_client):
    feed = _response_schema(schema, "/api/v1/orgs/{org_slug}/content/feed/", "get", "200")
    page = _component(schema, feed["$ref"])
    assert page["type"] == "object"
    assert set(page["required"]) == {"next", "next_cursor", "results"}
    assert page["properties"]["results"]["type"] == "array"
    parameters = {
        p["name"]
        for p in schema["paths"]["/api/v1/orgs/{org_slug}/content/feed/"]["get"]["parameters"]
    }
    assert {"cursor", "page_size"} <= parameters
    answer = api_client.get(f"/api/v1/orgs/{world.a.org.slug}/content/feed/").json()
    assert set(answer) == {"next", "next_cursor", "results"}


def test_a_member_update_is_documented_with_the_member_it_answers(schema, world, api_client):
    path = "/api/v1/orgs/{org_slug}/members/{member_id}/"
    answered = _response_schema(schema, path, "patch", "200")
    assert answered["$ref"] == "#/components/schemas/Member"
    department = _component(schema, answered["$ref"])["properties"]["department"]
    assert "integer" not in str(department.get("type"))
    sent = schema["paths"][path]["patch"]["requestBody"]["content"]["application/json"]
    assert sent["schema"]["$ref"] == "#/components/schemas/PatchedMemberUpdateRequest"
    api_client.force_authenticate(world.a.admin)
    employee = world.a.members["employee"]
    response = api_client.patch(
        f"/api/v1/orgs/{world.a.org.slug}/members/{employee.pk}/",
        {"department": world.a.department.pk},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["department"] == {"id": world.a.department.pk, "name": "Sales"}


def test_an_unset_language_is_null_and_documented_as_nullable(schema, world, api_client):
    language = _component(schema, "#/components/schemas/Member")["properties"]["language"]
    assert language["nullable"] is True
    employee = world.a.members["employee"]
    employee.language = ""
    employee.save(update_fields=["language"])
    api_client.force_authenticate(world.a.admin)
    answer = api_client.get(f"/api/v1/orgs/{world.a.org.slug}/members/{employee.pk}/").json()
    assert answer["language"] is None


def test_links_that_are_not_set_are_null_never_an_empty_uri(schema, world, api_client):
    for component, field in (
        ("ContentItem", "url"),
        ("Suggestion", "url"),
        ("NetworkAccount", "avatar_url"),
        ("NetworkAccount", "profile_url"),
        ("Share", "permalink"),
    ):
        declared = _component(schema, component)["properties"][field]
        assert declared["format"] == "uri" and declared["nullable"] is True, (component, field)
    org = world.a.org.slug
    item = ApprovedItemFactory.create(organization=world.a.org, url="")
    answer = api_client.get(f"/api/v1/orgs/{org}/content/items/{item.pk}/").json()
    assert answer["url"] is None
    NetworkAccountFactory.create(user=world.a.employee, avatar_url="", profile_url="")
    accounts = api_client.get(f"/api/v1/orgs/{org}/networks/").json()
    assert accounts and all(a["avatar_url"] is None and a["profile_url"] is None for a in accounts)


def test_accepting_a_suggestion_is_documented_as_a_creation(schema):
    path = "/api/v1/orgs/{org_slug}/content/suggestions/{suggestion_id}/accept/"
    assert "201" in schema["paths"][path]["post"]["responses"]
    assert "200" not in schema["paths"][path]["post"]["responses"]
