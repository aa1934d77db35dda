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


def _in_review(world):
    from content_library.services.review import content_item_submit

    item = content_item_create(
        actor=m(world.a, "manager"),
        title="Review me",
        kind=Kind.TEXT,
        captions=[("linkedin", "Hi")],
    )
    return content_item_submit(actor=m(world.a, "manager"), item=item)


def test_review_page_requests_changes_and_the_author_sees_the_comment(world, client):
    item = _in_review(world)
    client.force_login(world.a.admin)
    html = client.get(url(world, "content/review/")).content.decode()
    assert 'value="request_changes"' in html and 'value="reject"' in html
    resp = client.post(
        url(world, f"content/items/{item.pk}/actions/"),
        {
            "action": "request_changes",
            "comment": "Add the event date.",
            "next": url(world, "content/review/"),
        },
    )
    assert resp.status_code == 302 and resp.url.endswith("/content/review/")
    item.refresh_from_db()
    assert item.status == Status.CHANGES_REQUESTED
    client.force_login(world.a.user("manager"))
    page = client.get(url(world, f"content/items/{item.pk}/")).content.decode()
    assert "Add the event date." in page and "Changes requested" in page
    assert 'value="submit"' in page  # send to review again
    queue = client.get(url(world, "content/review/")).content.decode()
    assert "Your items returned by a reviewer" in queue and "Add the event date." in queue


def test_review_page_reject_needs_a_reason(world, client):
    item = _in_review(world)
    client.force_login(world.a.admin)
    resp = client.post(
        url(world, f"content/items/{item.pk}/actions/"),
        {"action": "reject", "reason": " "},
        follow=True,
    )
    assert "Tell the author why the item is rejected." in resp.content.decode()
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW
    client.post(
        url(world, f"content/items/{item.pk}/actions/"),
        {"action": "reject", "reason": "Off topic."},
    )
    item.refresh_from_db()
    assert item.status == Status.REJECTED


def test_the_author_sees_no_approve_button_and_is_refused(world, client):
    item = _in_review(world)
    client.force_login(world.a.user("manager"))
    page = client.get(url(world, f"content/items/{item.pk}/")).content.decode()
    assert "another reviewer approves it" in page
    resp = client.post(
        url(world, f"content/items/{item.pk}/actions/"), {"action": "approve"}, follow=True
    )
    assert "another reviewer must approve it" in resp.content.decode()
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW


def test_second_reviewer_setting_on_the_library_page(world, client):
    from content_library.services.library_settings import library_settings_for

    client.force_login(world.a.admin)
    client.post(
        url(world, "content/library/settings/"),
        {"reapproval_on_edit": "on", "require_second_reviewer": "on"},
    )
    assert library_settings_for(world.a.org).require_second_reviewer
    assert not library_settings_for(world.b.org).require_second_reviewer
    item = _in_review(world)
    client.post(url(world, f"content/items/{item.pk}/actions/"), {"action": "approve"})
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW
    page = client.get(url(world, f"content/items/{item.pk}/")).content.decode()
    assert "1 of 2 approvals." in page
    client.force_login(world.a.employee)
    resp = client.post(url(world, "content/library/settings/"), {"require_second_reviewer": ""})
    assert resp.status_code == 403


def test_review_actions_on_another_organizations_item_are_not_found(world, client):
    item = _in_review(world)
    client.force_login(world.b.admin)
    resp = client.post(
        f"/o/{world.b.org.slug}/content/items/{item.pk}/actions/",
        {"action": "reject", "reason": "x"},
    )
    assert resp.status_code == 404
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW
