"""The audit log API: filter by action and cursor pages."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from advocacy.models import AuditLogEntry, Role


def _entries(org, n, action="thing.done", start=None):
    start = start or timezone.now() - timedelta(days=1)
    return AuditLogEntry.objects.bulk_create(
        [
            AuditLogEntry(
                organization=org,
                action=action,
                target_type="thing",
                target_id=str(i),
                data={"n": i},
                created_at=start + timedelta(minutes=i),
            )
            for i in range(n)
        ]
    )


def test_api_list_filter_and_cursor(world, api_client):
    t = world.a
    _entries(t.org, 5)
    api_client.force_login(t.admin)
    base = f"/api/v1/orgs/{t.org.slug}/audit-log/"
    page = api_client.get(base, {"page_size": 3, "action": "thing.done"}).json()
    assert [e["target_id"] for e in page["results"]] == ["4", "3", "2"]
    rest = api_client.get(page["next"]).json()
    assert [e["target_id"] for e in rest["results"]] == ["1", "0"]
    api_client.force_login(t.user(Role.HR))
    assert api_client.get(base).status_code == 403
