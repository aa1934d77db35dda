"""Suggestion pages (content_library/views/suggestions.py)."""

from __future__ import annotations

from content_library.models import ContentSuggestion, SuggestionStatus


def m(tenant, role):
    return tenant.members[role]


def url(world, path):
    return f"/o/{world.a.org.slug}/{path}"


def test_suggestion_pages_flow(world, client):
    client.force_login(world.a.employee)
    resp = client.post(
        url(world, "content/suggest/"),
        {"kind": "post", "text": "We won an award!", "note": "photo later"},
    )
    assert resp.status_code == 302
    s = ContentSuggestion.objects.get()
    client.force_login(world.a.user("manager"))
    assert "We won an award!" in client.get(url(world, "content/review/")).content.decode()
    client.post(
        url(world, f"content/suggestions/{s.pk}/"),
        {"action": "decline", "reason": "Not public yet."},
    )
    s.refresh_from_db()
    assert s.status == SuggestionStatus.DECLINED
    client.force_login(world.a.employee)
    assert "Not public yet." in client.get(url(world, "content/suggest/")).content.decode()
