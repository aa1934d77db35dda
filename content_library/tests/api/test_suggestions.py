"""The suggestions API (content_library/api/suggestions.py)."""

from __future__ import annotations

from content_library.models import ContentItem, Status


def m(tenant, role):
    return tenant.members[role]


def base(world):
    return f"/api/v1/orgs/{world.a.org.slug}/content"


def test_suggestion_flow_over_api(world, api_client):
    api_client.force_authenticate(world.a.employee)
    resp = api_client.post(
        f"{base(world)}/suggestions/",
        {"kind": "link", "url": "https://example.com/x", "note": "good"},
        format="json",
    )
    assert resp.status_code == 201
    sid = resp.json()["id"]
    assert (
        api_client.post(f"{base(world)}/suggestions/{sid}/accept/", {}, format="json").status_code
        == 403
    )
    api_client.force_authenticate(world.a.user("manager"))
    resp = api_client.post(
        f"{base(world)}/suggestions/{sid}/decline/", {"reason": ""}, format="json"
    )
    assert resp.status_code == 400 and "reason" in resp.json()["errors"]
    resp = api_client.post(
        f"{base(world)}/suggestions/{sid}/accept/", {"title": "Accepted"}, format="json"
    )
    assert resp.status_code == 201
    item = ContentItem.objects.get(pk=resp.json()["id"])
    assert item.suggested_by == m(world.a, "employee") and item.status == Status.DRAFT
    api_client.force_authenticate(world.a.employee)
    assert (
        api_client.get(f"{base(world)}/suggestions/").json()["results"][0]["status"] == "accepted"
    )
