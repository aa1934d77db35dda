"""The items API (content_library/api/items.py)."""

from __future__ import annotations

import pytest

from content_library.models import Kind
from content_library.services.items import content_item_create
from content_library.services.review import content_item_approve


def m(tenant, role):
    return tenant.members[role]


def base(world):
    return f"/api/v1/orgs/{world.a.org.slug}/content"


def approved(world, **kw):
    kw.setdefault("kind", Kind.TEXT)
    item = content_item_create(actor=m(world.a, "manager"), **kw)
    return content_item_approve(actor=m(world.a, "admin"), item=item)


def test_create_approve_and_list(world, api_client):
    api_client.force_authenticate(world.a.user("manager"))
    resp = api_client.post(
        f"{base(world)}/items/",
        {
            "title": "Hello",
            "kind": "text",
            "captions": [{"network": "linkedin", "text": "Hi all"}],
            "roles": ["employee"],
        },
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    item_id = resp.json()["id"]
    assert resp.json()["status"] == "draft" and resp.json()["captions"] == [
        {"network": "linkedin", "text": "Hi all"}
    ]
    api_client.force_authenticate(world.a.admin)  # the author never approves their own item
    resp = api_client.post(f"{base(world)}/items/{item_id}/approve/")
    assert resp.status_code == 200 and resp.json()["status"] == "approved"
    resp = api_client.get(f"{base(world)}/items/?status=approved")
    assert [r["id"] for r in resp.json()["results"]] == [item_id]


def test_error_format_and_foreign_ids(world, api_client):
    api_client.force_authenticate(world.a.user("manager"))
    resp = api_client.post(
        f"{base(world)}/items/", {"title": "Link", "kind": "link"}, format="json"
    )
    assert resp.status_code == 400
    assert "url" in resp.json()["errors"]
    resp = api_client.post(
        f"{base(world)}/items/",
        {"title": "x", "kind": "text", "departments": [world.b.department.pk]},
        format="json",
    )
    assert resp.status_code == 400 and "departments" in resp.json()["errors"]
    resp = api_client.post(
        f"{base(world)}/items/",
        {"title": "x", "kind": "text", "captions": [{"network": "x", "text": "y" * 300}]},
        format="json",
    )
    assert resp.status_code == 400 and "captions" in resp.json()["errors"]


@pytest.mark.parametrize(
    "path,method",
    [("items/", "post"), ("sources/", "get"), ("sources/", "post"), ("topics/", "post")],
)
def test_employees_get_403_on_manage_actions(world, api_client, path, method):
    api_client.force_authenticate(world.a.employee)
    resp = getattr(api_client, method)(f"{base(world)}/{path}", {}, format="json")
    assert resp.status_code == 403
    assert resp.json()["errors"]


def test_employee_cannot_approve_or_see_drafts(world, api_client):
    draft = content_item_create(actor=m(world.a, "manager"), title="Draft", kind=Kind.TEXT)
    live = approved(world, title="Live")
    api_client.force_authenticate(world.a.employee)
    assert api_client.post(f"{base(world)}/items/{draft.pk}/approve/").status_code == 403
    assert api_client.get(f"{base(world)}/items/{draft.pk}/").status_code == 404
    assert [r["id"] for r in api_client.get(f"{base(world)}/items/").json()["results"]] == [live.pk]
    # Another tenant's member: 404 on the org.
    api_client.force_authenticate(world.b.employee)
    assert api_client.get(f"{base(world)}/items/{live.pk}/").status_code == 404


def test_item_list_query_count(world, api_client, django_assert_max_num_queries):
    for n in range(10):
        approved(world, title=f"i{n}", captions=[("linkedin", "c")])
    api_client.force_authenticate(world.a.user("manager"))
    with django_assert_max_num_queries(12):
        resp = api_client.get(f"{base(world)}/items/")
    assert len(resp.json()["results"]) == 10


def test_search_api(world, api_client):
    approved(world, title="Green energy report", captions=[("linkedin", "Solar panels everywhere")])
    approved(world, title="Hiring")
    api_client.force_authenticate(world.a.employee)
    resp = api_client.get(f"{base(world)}/items/?q=solar")
    assert [r["title"] for r in resp.json()["results"]] == ["Green energy report"]


def test_request_changes_and_reject_over_api(world, api_client):
    from content_library.services.review import content_item_submit

    item = content_item_create(actor=m(world.a, "manager"), title="A", kind=Kind.TEXT)
    content_item_submit(actor=m(world.a, "manager"), item=item)
    api_client.force_authenticate(world.a.employee)
    resp = api_client.post(f"{base(world)}/items/{item.pk}/request-changes/", {"comment": "x"})
    assert resp.status_code == 403
    api_client.force_authenticate(world.b.admin)
    resp = api_client.post(
        f"/api/v1/orgs/{world.b.org.slug}/content/items/{item.pk}/reject/", {"reason": "x"}
    )
    assert resp.status_code == 404
    api_client.force_authenticate(world.a.user("manager"))
    assert api_client.post(f"{base(world)}/items/{item.pk}/approve/").status_code == 403
    api_client.force_authenticate(world.a.admin)
    resp = api_client.post(f"{base(world)}/items/{item.pk}/request-changes/", {"comment": ""})
    assert resp.status_code == 400 and "comment" in resp.json()["errors"]
    resp = api_client.post(
        f"{base(world)}/items/{item.pk}/request-changes/", {"comment": "Fix the date."}
    )
    assert resp.status_code == 200 and resp.json()["status"] == "changes_requested"
    resp = api_client.post(f"{base(world)}/items/{item.pk}/reject/", {"reason": ""})
    assert resp.status_code == 400 and "reason" in resp.json()["errors"]
    resp = api_client.post(f"{base(world)}/items/{item.pk}/reject/", {"reason": "No."})
    assert resp.status_code == 200 and resp.json()["status"] == "rejected"
