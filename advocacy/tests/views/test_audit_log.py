"""The audit log page: newest first, filter by action, keyset pages (and the API query count)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
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


def test_page_newest_first_filter_and_pages(world, client):
    t = world.a
    _entries(t.org, 60)
    _entries(t.org, 2, action="other.thing", start=timezone.now() - timedelta(days=2))
    _entries(world.b.org, 3, action="secret.b")
    client.force_login(t.admin)
    resp = client.get(f"/o/{t.org.slug}/audit-log/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "secret.b" not in html
    numbers = [int(n) for n in re.findall(r"thing #(\d+)", html)]
    assert numbers[:3] == [59, 58, 57] and len(numbers) == 50
    match = re.search(r'href="([^"]+)" rel="next"', html)
    assert match
    next_url = match.group(1).replace("&amp;", "&")
    html2 = client.get(next_url).content.decode()
    rest = [int(n) for n in re.findall(r"thing #(\d+)", html2)]
    assert rest[:10] == list(range(9, -1, -1))
    assert set(numbers).isdisjoint(rest[:10])

    filtered = client.get(f"/o/{t.org.slug}/audit-log/", {"action": "other.thing"}).content.decode()
    assert filtered.count("<code>other.thing</code>") == 2
    assert "<code>thing.done</code>" not in filtered


def test_page_only_for_admins(world, client):
    t = world.a
    for role in (Role.HR, Role.MANAGER, Role.EMPLOYEE):
        client.force_login(t.user(role))
        assert client.get(f"/o/{t.org.slug}/audit-log/").status_code == 403


@pytest.mark.parametrize("n", [5, 30])
def test_page_and_api_queries_do_not_grow(
    world, client, api_client, n, django_assert_max_num_queries
):
    t = world.a
    _entries(t.org, n)
    for e in AuditLogEntry.objects.for_org(t.org)[:3]:
        assert e.actor is None
    AuditLogEntry.objects.bulk_create(
        [AuditLogEntry(organization=t.org, actor=t.admin, action="x.y") for _ in range(n)]
    )
    client.force_login(t.admin)
    with django_assert_max_num_queries(6):
        assert client.get(f"/o/{t.org.slug}/audit-log/").status_code == 200
    api_client.force_login(t.admin)
    with django_assert_max_num_queries(5):
        assert api_client.get(f"/api/v1/orgs/{t.org.slug}/audit-log/").status_code == 200
