"""The composer (social/_composer.html and its view): prefilled captions with the live
checker, the policy prompt, unavailable networks, and sharing from it (end to end through
publishing and the sandbox, with eager Celery)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from advocacy.models import Role
from social.models import AccountStatus, Share, ShareMethod, ShareState

from .shares_support import (
    accept_policy,
    account,
    banned_term_rule,
    eager_publishing,  # noqa: F401 - fixture
    image_item,
    link_item,
    publish_policy,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def employee(world):
    return world.a.members[Role.EMPLOYEE]


@pytest.fixture
def policy_ok(world, employee):
    document = publish_policy(world.a.org, world.a.admin)
    accept_policy(employee, document)
    return document


def _url(org, item):
    return reverse("share_compose", kwargs={"org_slug": org.slug, "item_id": item.pk})


def test_composer_prefills_captions_per_network_with_the_checker(
    client, world, employee, policy_ok
):
    item = image_item(world.a.org)
    li = account(employee, "linkedin", display_name="Ada Lovelace")
    ig = account(employee, "instagram", display_name="ada.bakes")
    client.force_login(employee.user)
    resp = client.get(_url(world.a.org, item), HTTP_HX_REQUEST="true")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "<html" not in html  # a partial for htmx
    assert f'value="account-{li.pk}"' in html and f'value="account-{ig.pk}"' in html
    assert 'value="dialog-facebook"' in html and 'value="dialog-x"' in html
    # Prefilled captions, alternatives, the live checker per network.
    assert ">Proud of our electric ovens</textarea>" in html
    assert ">Ovens, electric ⚡</textarea>" in html
    assert "Electric ovens, at last" in html  # the second LinkedIn suggestion, selectable
    assert html.count(reverse("guidelines_check", kwargs={"org_slug": world.a.org.slug})) >= 4
    assert '"network": "instagram"' in html
    # Previews, the Instagram link note, scheduling and one-click share to all.
    assert f'data-testid="preview-account-{li.pk}"' in html
    assert 'data-testid="instagram-link-note"' in html
    assert 'name="when"' in html and 'type="datetime-local"' in html
    assert 'data-testid="suggested-time"' in html
    assert "Share to all my networks" in html
    # Without htmx it is a whole page.
    page = client.get(_url(world.a.org, item))
    assert b"<html" in page.content and b"data-composer" in page.content


def test_composer_asks_for_the_policy_first(client, world, employee):
    document = publish_policy(world.a.org, world.a.admin)
    item = link_item(world.a.org)
    client.force_login(employee.user)
    html = client.get(_url(world.a.org, item), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="composer-policy"' in html
    assert f"/guidelines/{document.pk}/?next=" in html
    assert "<textarea" not in html


def test_unavailable_targets_say_why(client, world, employee, policy_ok):
    item = link_item(world.a.org)  # no image
    ig = account(employee, "instagram")
    stale = account(employee, "linkedin", status=AccountStatus.NEEDS_RECONNECT)
    client.force_login(employee.user)
    html = client.get(_url(world.a.org, item), HTTP_HX_REQUEST="true").content.decode()
    assert f'data-testid="unavailable-account-{ig.pk}"' in html
    assert "Instagram publishes images only" in html
    assert f'data-testid="unavailable-account-{stale.pk}"' in html
    assert "needs reconnecting" in html
    assert f'value="account-{ig.pk}"' not in html


def test_uneditable_captions_are_marked_read_only(client, world, employee, policy_ok):
    item = link_item(world.a.org, captions_editable=False)
    account(employee, "linkedin")
    client.force_login(employee.user)
    html = client.get(_url(world.a.org, item), HTTP_HX_REQUEST="true").content.decode()
    assert "data-caption-readonly" in html


def test_composer_counts_queries(client, world, employee, policy_ok, django_assert_max_num_queries):
    item = image_item(world.a.org)
    account(employee, "linkedin")
    client.force_login(employee.user)
    # 13: the item's live campaign (its hashtags) is one query of its own; SQLite, without
    # the Redis cache, reads one thing more than PostgreSQL does.
    with django_assert_max_num_queries(13) as one:
        assert client.get(_url(world.a.org, item), HTTP_HX_REQUEST="true").status_code == 200
    for _n in range(5):
        account(employee, "linkedin")
        account(employee, "instagram")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(_url(world.a.org, item), HTTP_HX_REQUEST="true").status_code == 200


@pytest.mark.usefixtures("eager_publishing")
def test_share_now_from_the_composer_publishes_to_the_sandbox(
    client,
    world,
    employee,
    policy_ok,
    sandbox,
    django_capture_on_commit_callbacks,
):
    item = image_item(world.a.org)
    li = sandbox.network_account(employee.user, sandbox.connect("linkedin"))
    ig = sandbox.network_account(employee.user, sandbox.connect("instagram"))
    client.force_login(employee.user)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            _url(world.a.org, item),
            {
                "target": [f"account-{li.pk}", f"account-{ig.pk}"],
                f"caption-account-{li.pk}": "My own words about ovens",
                f"caption-account-{ig.pk}": "Ovens, electric ⚡",
                "when": "now",
            },
            HTTP_HX_REQUEST="true",
        )
    assert resp.status_code == 200
    assert b"data-composer-result" in resp.content
    shares = {s.network: s for s in Share.objects.filter(membership=employee)}
    assert set(shares) == {"linkedin", "instagram"}
    for share in shares.values():
        share.refresh_from_db()
        assert share.state == ShareState.PUBLISHED, (share.state, share.error_message)
        assert share.permalink and share.external_id
    assert shares["linkedin"].caption == "My own words about ovens"
    [post] = sandbox.linkedin_posts()
    assert post["commentary"] == "My own words about ovens"
    assert "/s/" in post["content"]["article"]["source"]
    [media] = sandbox.instagram_media()
    assert "/s/" in media["caption"]
    history = client.get(
        reverse("shares_item_history", kwargs={"org_slug": world.a.org.slug, "item_id": item.pk})
    ).content.decode()
    assert history.count("data-permalink") == 2


def test_share_to_all_my_networks_in_one_click(client, world, employee, policy_ok):
    item = link_item(world.a.org)
    li = account(employee, "linkedin")
    client.force_login(employee.user)
    resp = client.post(
        _url(world.a.org, item),
        {
            "share_all": "1",
            "when": "schedule",
            "scheduled_at": (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    # Scheduling cannot include share dialogs, and "all" includes Facebook and X.
    assert "cannot be scheduled" in resp.content.decode()
    assert not Share.objects.exists()
    resp = client.post(_url(world.a.org, item), {"share_all": "1", "when": "now"})
    assert resp.status_code == 200
    got = {(s.network, s.method) for s in Share.objects.filter(membership=employee)}
    assert got == {
        ("linkedin", ShareMethod.API),
        ("facebook", ShareMethod.DIALOG),
        ("x", ShareMethod.DIALOG),
    }
    assert Share.objects.get(account=li).caption == "Proud of our electric ovens"
    html = resp.content.decode()
    assert "/dialog/share?" in html and "x.com/intent/post" in html
    assert "I posted it" in html


def test_blocking_findings_are_refused_by_the_server(client, world, employee, policy_ok):
    banned_term_rule(world.a.org, world.a.admin, "secret")
    item = link_item(world.a.org)
    li = account(employee, "linkedin")
    client.force_login(employee.user)
    resp = client.post(
        _url(world.a.org, item),
        {"target": [f"account-{li.pk}"], f"caption-account-{li.pk}": "A secret", "when": "now"},
        HTTP_HX_REQUEST="true",
    )
    html = resp.content.decode()
    assert resp.status_code == 200
    assert 'data-testid="composer-errors"' in html and "LinkedIn:" in html
    assert ">A secret</textarea>" in html  # what they wrote is kept
    assert not Share.objects.exists()


def test_schedule_and_suggested_time(client, world, employee, policy_ok):
    item = link_item(world.a.org)
    li = account(employee, "linkedin")
    client.force_login(employee.user)
    resp = client.post(
        _url(world.a.org, item),
        {"target": [f"account-{li.pk}"], f"caption-account-{li.pk}": "Hi", "when": "schedule"},
    )
    assert "Choose the date and time" in resp.content.decode()
    client.post(
        _url(world.a.org, item),
        {"target": [f"account-{li.pk}"], f"caption-account-{li.pk}": "Hi", "when": "suggested"},
    )
    share = Share.objects.get()
    assert share.state == ShareState.SCHEDULED
    assert share.scheduled_at > timezone.now()


def test_no_target_chosen(client, world, employee, policy_ok):
    item = link_item(world.a.org)
    client.force_login(employee.user)
    resp = client.post(_url(world.a.org, item), {"when": "now"})
    assert "Choose at least one network" in resp.content.decode()


def test_item_page_loads_the_composer_and_history(client, world, employee, policy_ok):
    item = link_item(world.a.org)
    client.force_login(employee.user)
    html = client.get(
        reverse("content_item", kwargs={"org_slug": world.a.org.slug, "item_id": item.pk})
    ).content.decode()
    assert _url(world.a.org, item) in html
    assert (
        reverse("shares_item_history", kwargs={"org_slug": world.a.org.slug, "item_id": item.pk})
        in html
    )
    assert "Copy caption and link" in html  # copying stays


def test_feed_card_has_a_share_button(client, world, employee, policy_ok):
    item = link_item(world.a.org)
    client.force_login(employee.user)
    html = client.get(reverse("content_feed", kwargs={"org_slug": world.a.org.slug})).content
    assert _url(world.a.org, item).encode() in html
    assert b"composer-dialog" in html
