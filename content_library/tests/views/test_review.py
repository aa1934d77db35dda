"""The review queue and item actions (content_library/views/review.py)."""

from __future__ import annotations

from content_library.models import Kind, Status
from content_library.services.items import content_item_create


def m(tenant, role):
    return tenant.members[role]


def url(world, path):
    return f"/o/{world.a.org.slug}/{path}"


def test_approve_and_archive_actions(world, client):
    item = content_item_create(actor=m(world.a, "manager"), title="Act", kind=Kind.TEXT)
    client.force_login(world.a.admin)  # the author (the manager) never approves their own item
    client.post(url(world, f"content/items/{item.pk}/actions/"), {"action": "approve"})
    item.refresh_from_db()
    assert item.status == Status.APPROVED
    client.force_login(world.a.employee)
    resp = client.post(url(world, f"content/items/{item.pk}/actions/"), {"action": "archive"})
    assert resp.status_code == 403
