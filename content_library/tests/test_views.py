from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from content_library import services
from content_library.models import ContentItem, ContentSuggestion, Kind, Status, SuggestionStatus
from content_library.tests.factories import FeedSourceFactory, TopicFactory


def m(tenant, role):
    return tenant.members[role]


def url(world, path):
    return f"/o/{world.a.org.slug}/{path}"


def approved(world, **kw):
    kw.setdefault("kind", Kind.TEXT)
    kw.setdefault("captions", [("linkedin", "Proud of the team #acme")])
    item = services.content_item_create(actor=m(world.a, "manager"), **kw)
    return services.content_item_approve(actor=m(world.a, "manager"), item=item)


ROLES = ["employee", "manager", "hr", "admin"]
EVERYONE = ["feed/", "content/suggest/"]
CURATORS = [
    "content/library/",
    "content/review/",
    "content/sources/",
    "content/topics/",
    "content/items/new/",
]


@pytest.mark.parametrize("role", ROLES)
def test_pages_render_for_each_role(world, client, role):
    item = approved(world, title="Visible to all")
    s = services.suggestion_submit(
        actor=m(world.a, "employee"), kind="link", url="https://example.com/s"
    )
    src = FeedSourceFactory(organization=world.a.org)
    client.force_login(world.a.user(role))
    curator = role in ("manager", "admin")
    for path in [*EVERYONE, f"content/items/{item.pk}/"]:
        assert client.get(url(world, path)).status_code == 200, path
    for path in [*CURATORS, f"content/items/{item.pk}/edit/", f"content/sources/{src.pk}/"]:
        assert client.get(url(world, path)).status_code == (200 if curator else 403), path
    assert client.get(url(world, f"content/suggestions/{s.pk}/")).status_code == (
        200 if curator else 403
    )
    html = client.get(url(world, "feed/")).content.decode()
    assert "Visible to all" in html
    assert ("Review queue" in html) == curator


def test_feed_page_infinite_scroll_and_constant_queries(
    world, client, django_assert_max_num_queries
):
    for n in range(25):
        approved(world, title=f"Item number {n}")
    client.force_login(world.a.employee)
    with django_assert_max_num_queries(16):
        resp = client.get(url(world, "feed/?page_size=5"))
    html = resp.content.decode()
    assert 'hx-trigger="revealed"' in html and "cursor=" in html
    with django_assert_max_num_queries(16):
        client.get(url(world, "feed/?page_size=30"))
    nxt = resp.context["next_url"]
    part = client.get(nxt, HTTP_HX_REQUEST="true")
    assert part.status_code == 200 and "<html" not in part.content.decode()
    assert "Item number 19" in part.content.decode()


def test_item_page_copy_button_and_history(world, client):
    item = approved(world, title="Office", url="https://example.com/o", kind=Kind.LINK)
    services.item_share_mark_record(item=item, membership=m(world.a, "employee"))
    client.force_login(world.a.employee)
    html = client.get(url(world, f"content/items/{item.pk}/")).content.decode()
    assert "Copy caption and link" in html and "js/copy_caption.js" in html  # the clipboard script
    assert "Proud of the team #acme" in html and "First shared" in html
    assert "History" not in html
    client.force_login(world.a.user("manager"))
    html = client.get(url(world, f"content/items/{item.pk}/")).content.decode()
    assert "History" in html and "approved" in html


def test_employee_cannot_open_draft_item(world, client):
    draft = services.content_item_create(
        actor=m(world.a, "manager"), title="Secret", kind=Kind.TEXT
    )
    client.force_login(world.a.employee)
    assert client.get(url(world, f"content/items/{draft.pk}/")).status_code == 404


def test_create_item_through_the_form(world, client):
    topic = TopicFactory(organization=world.a.org, name="AI")
    client.force_login(world.a.user("manager"))
    resp = client.post(
        url(world, "content/items/new/"),
        {
            "kind": "text",
            "title": "From the form",
            "category": "culture",
            "language": "en",
            "topics": [topic.pk],
            "priority": 0,
            "captions_editable": "on",
            "is_company_content": "on",
            "captions_linkedin": "First\n---\nSecond",
            "locations": "Vilnius, Tallinn",
        },
    )
    assert resp.status_code == 302, resp.context["form"].errors if resp.context else resp
    item = ContentItem.objects.get(title="From the form")
    assert [c.text for c in item.captions.all()] == ["First", "Second"]
    assert item.targets_locations and list(item.topics.all()) == [topic]


def test_image_upload_errors_show_on_the_form(world, client):
    client.force_login(world.a.user("manager"))
    resp = client.post(
        url(world, "content/items/new/"),
        {
            "kind": "image",
            "title": "Pic",
            "category": "culture",
            "language": "en",
            "priority": 0,
            "image": SimpleUploadedFile("x.gif", b"GIF89a-broken", "image/gif"),
        },
    )
    assert resp.status_code == 200
    assert "Upload a JPEG, PNG, GIF or WebP image." in resp.content.decode()


def test_approve_and_archive_actions(world, client):
    item = services.content_item_create(actor=m(world.a, "manager"), title="Act", kind=Kind.TEXT)
    client.force_login(world.a.user("manager"))
    client.post(url(world, f"content/items/{item.pk}/actions/"), {"action": "approve"})
    item.refresh_from_db()
    assert item.status == Status.APPROVED
    client.force_login(world.a.employee)
    resp = client.post(url(world, f"content/items/{item.pk}/actions/"), {"action": "archive"})
    assert resp.status_code == 403


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


def test_library_list_queries_and_search(world, client, django_assert_max_num_queries):
    for n in range(12):
        approved(world, title=f"Library {n}")
    approved(world, title="Findable zebra")
    client.force_login(world.a.user("manager"))
    with django_assert_max_num_queries(18):
        resp = client.get(url(world, "content/library/"))
    assert resp.status_code == 200
    html = client.get(url(world, "content/library/?q=zebra")).content.decode()
    assert "Findable zebra" in html and "Library 3" not in html


def _publish_policy(world):
    from guidelines import services as guidelines_services

    doc = guidelines_services.policy_document_create(
        organization=world.a.org,
        actor=world.a.admin,
        kind="policy",
        title="Social media policy",
        body_markdown="Be kind.",
    )
    guidelines_services.policy_version_publish(version=doc.versions.get(), actor=world.a.admin)
    return doc


def test_item_page_sends_to_the_pending_policy_and_back(world, client):
    item = approved(world, title="Policy first")
    doc = _publish_policy(world)
    item_url = url(world, f"content/items/{item.pk}/")
    client.force_login(world.a.employee)
    html = client.get(item_url).content.decode()
    policy_link = f"/o/{world.a.org.slug}/guidelines/{doc.pk}/?next=%2Fo%2F{world.a.org.slug}%2Fcontent%2Fitems%2F{item.pk}%2F"
    assert 'data-testid="policy-pending"' in html and policy_link in html
    resp = client.post(url(world, f"guidelines/{doc.pk}/accept/"), {"next": item_url}, follow=False)
    assert resp.status_code == 302 and resp["Location"] == item_url
    assert 'data-testid="policy-pending"' not in client.get(item_url).content.decode()


def test_item_page_polls_its_preview_while_it_is_fetched(world, client):
    item = approved(world, title="Link", kind=Kind.LINK, url="https://example.com/a")
    assert item.preview_status == "pending"
    client.force_login(world.a.user("manager"))
    html = client.get(url(world, f"content/items/{item.pk}/")).content.decode()
    assert f'hx-get="/o/{world.a.org.slug}/content/items/{item.pk}/?poll=1"' in html
    assert 'hx-select="#item-preview"' in html and "Fetching the link preview" in html
    html = client.get(url(world, f"content/items/{item.pk}/?poll=5")).content.decode()
    assert "?poll=6" in html
    # A stalled worker: after a minute the page stops asking.
    html = client.get(url(world, f"content/items/{item.pk}/?poll=30")).content.decode()
    assert 'hx-select="#item-preview"' not in html
    ContentItem.objects.filter(pk=item.pk).update(preview_status="ok", preview_title="Fetched")
    html = client.get(url(world, f"content/items/{item.pk}/")).content.decode()
    assert 'hx-select="#item-preview"' not in html and "Fetched" in html


def test_preview_failures_are_for_curators_only(world, client):
    item = approved(world, title="Broken link", kind=Kind.LINK, url="https://example.com/b")
    ContentItem.objects.filter(pk=item.pk).update(
        preview_status="failed", preview_error="Could not resolve example.com."
    )
    client.force_login(world.a.user("manager"))
    assert (
        "Could not resolve" in client.get(url(world, f"content/items/{item.pk}/")).content.decode()
    )
    client.force_login(world.a.employee)
    html = client.get(url(world, f"content/items/{item.pk}/")).content.decode()
    assert "Broken link" in html and "Could not resolve" not in html


def test_guideline_reminders_once_per_network_and_message(world, client):
    from guidelines import services as guidelines_services

    guidelines_services.guideline_rule_create(
        organization=world.a.org,
        actor=world.a.admin,
        kind="required_text",
        networks=["linkedin"],
        pattern="#employee",
        replacement="",
        max_length=None,
        severity="warn",
        message="Add #employee.",
    )
    item = approved(
        world,
        title="Three alternatives",
        captions=[("linkedin", "One"), ("linkedin", "Two"), ("linkedin", "Three")],
    )
    client.force_login(world.a.employee)
    html = client.get(url(world, f"content/items/{item.pk}/")).content.decode()
    assert html.count("LinkedIn: Add #employee.") == 1


def test_feed_says_nothing_about_colleagues_until_someone_shared(world, client):
    item = approved(world, title="Fresh")
    client.force_login(world.a.employee)
    assert "colleague" not in client.get(url(world, "feed/")).content.decode()
    services.item_share_mark_record(item=item, membership=m(world.a, "manager"))
    assert "1 colleague shared this" in client.get(url(world, "feed/")).content.decode()
