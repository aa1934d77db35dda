"""The OpenAPI schema (``/api/v1/schema/``) generates cleanly: no errors, no warnings,
and it validates against the OpenAPI 3 specification."""

from __future__ import annotations

from django.core.management import call_command


def test_schema_generates_without_errors_or_warnings(tmp_path, db):
    out = tmp_path / "schema.yaml"
    # --fail-on-warn turns every drf-spectacular warning or error into a failure.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = out.read_text()
    assert "/api/v1/tokens/" in schema
    assert "/api/v1/me/" in schema


def test_schema_and_docs_pages_are_served(client, world):
    client.force_login(world.a.employee)
    resp = client.get("/api/v1/schema/")
    assert resp.status_code == 200
    assert b"Chorus API" in resp.content
    assert client.get("/api/v1/docs/").status_code == 200
