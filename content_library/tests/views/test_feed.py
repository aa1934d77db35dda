"""The feed and the item page (content_library/views/feed.py)."""

from __future__ import annotations

from content_library.models import ContentItem, Kind
from content_library.services.items import content_item_create
from content_library.services.review import content_item_approve
from content_library.services.share_marks import item_share_mark_record


def m(tenant, role):
    return tenant.members[role]


def url(world, path):
    return f"/o/{world.a.org.slug}/{path}"


def approved(world, **kw):
    kw.setdefault("kind", Kind.TEXT)
    kw.setdefault("captions", [("linkedin", "Proud of the team #acme")])
    item = content_item_create(actor=m(world.a, "manager"), **kw)
    return content_item_approve(actor=m(world.a, "admin"), item=item)


def _publish_policy(world):
    from guidelines import services as guidelines_services

    doc = guidelines_services.policy_document_create(
        actor=world.a.members["admin"],
        kind="policy",
        title="Social media policy",
        body_markdown="Be kind.",
    )
    guidelines_services.policy_version_publish(
        version=doc.versions.get(), actor=world.a.members["admin"]
    )
    return doc


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
    item_share_mark_record(item=item, membership=m(world.a, "employee"))
    client.force_login(world.a.employee)
    html = client.get(url(world, f"content/items/{item.pk}/")).content.decode()
    assert "Copy caption and link" in html and "js/copy_caption.js" in html  # the clipboard script
    assert "Proud of the team #acme" in html and "First shared" in html
    assert "History" not in html
    client.force_login(world.a.user("manager"))
    html = client.get(url(world, f"content/items/{item.pk}/")).content.decode()
    assert "History" in html and "approved" in html


def test_employee_cannot_open_draft_item(world, client):
    draft = content_item_create(actor=m(world.a, "manager"), title="Secret", kind=Kind.TEXT)
    client.force_login(world.a.employee)
    assert client.get(url(world, f"content/items/{draft.pk}/")).status_code == 404


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
        actor=world.a.members["admin"],
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
    item_share_mark_record(item=item, membership=m(world.a, "manager"))
    assert "1 colleague shared this" in client.get(url(world, "feed/")).content.decode()


def test_feed_card_links_names_and_figures(world, client):
    """The card's text is computed in the view (content_library/views/feed.py ``_cards``):
    the same links, escaped names and translated sentences the template tags gave."""
    item = approved(world, title="Tom & <Jerry>", is_pinned=True)
    manager = m(world.a, "manager")
    manager.user.name = "Ann <b>"
    manager.user.save(update_fields=["name"])
    ContentItem.objects.filter(pk=item.pk).update(suggested_by=manager)
    for role in ("manager", "admin"):
        item_share_mark_record(item=item, membership=m(world.a, role))
    client.force_login(world.a.employee)
    html = client.get(url(world, "feed/")).content.decode()
    assert (
        f'<a href="/o/{world.a.org.slug}/content/items/{item.pk}/">Tom &amp; &lt;Jerry&gt;</a>'
        in html
    )
    compose = f"/o/{world.a.org.slug}/shares/compose/{item.pk}/"
    assert f'href="{compose}" hx-get="{compose}"' in html
    assert "Suggested by Ann &lt;b&gt;" in html and "2 colleagues shared this" in html
    assert "Pinned" in html and "New for you" in html and "Suits: LinkedIn" in html
    world.a.employee.language = "lt"
    world.a.employee.save(update_fields=["language"])
    html = client.get(url(world, "feed/")).content.decode()
    assert "Tuo pasidalijo 2 kolegos" in html and "Pasiūlė Ann &lt;b&gt;" in html
