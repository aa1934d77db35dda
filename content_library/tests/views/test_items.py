"""Creating and editing items on pages (content_library/views/items.py)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from content_library.models import ContentItem
from content_library.tests.factories import TopicFactory


def m(tenant, role):
    return tenant.members[role]


def url(world, path):
    return f"/o/{world.a.org.slug}/{path}"


def test_create_item_through_the_form(world, client):
    topic = TopicFactory.create(organization=world.a.org, name="AI")
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
