"""Events from the other apps' services (their signals, sent on commit) into notifications."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from advocacy.models import Role
from content_library.models import Status
from content_library.services.review import content_item_submit
from content_library.services.suggestions import (
    suggestion_accept,
    suggestion_decline,
    suggestion_submit,
)
from content_library.tests.factories import ContentItemFactory
from notifications.events import render
from notifications.models import Notification
from social.models import ShareState
from social.services.outcomes import mark_failed
from social.services.tokens import network_account_expiry_warn
from social.tests.factories import NetworkAccountFactory, ShareFactory
from social.tests.shares_support import publish_policy

pytestmark = pytest.mark.django_db


def test_declined_suggestion_tells_its_author_with_the_reason(
    world, django_capture_on_commit_callbacks
):
    employee = world.a.members[Role.EMPLOYEE]
    manager = world.a.members[Role.MANAGER]
    with django_capture_on_commit_callbacks(execute=True):
        suggestion = suggestion_submit(
            actor=employee, kind="link", url="https://example.com/a", title="Ovens"
        )
    with django_capture_on_commit_callbacks(execute=True):
        suggestion_decline(actor=manager, suggestion=suggestion, reason="We covered it last week")
    n = Notification.objects.get(membership=employee)
    assert n.event == "suggestion_declined"
    title, body = render(n.event, n.params)
    assert title == "Your suggestion “Ovens” was declined"
    assert "We covered it last week" in body
    assert n.link == f"/o/{world.a.org.slug}/content/suggest/"


def test_accepted_suggestion_links_to_the_item(world, django_capture_on_commit_callbacks):
    employee = world.a.members[Role.EMPLOYEE]
    with django_capture_on_commit_callbacks(execute=True):
        suggestion = suggestion_submit(actor=employee, kind="post", text="We won a prize")
    with django_capture_on_commit_callbacks(execute=True):
        item = suggestion_accept(actor=world.a.members[Role.MANAGER], suggestion=suggestion)
    n = Notification.objects.get(membership=employee)
    assert n.event == "suggestion_accepted"
    assert n.link == f"/o/{world.a.org.slug}/content/items/{item.pk}/"


def test_waiting_suggestions_tell_reviewers_once_per_hour(
    world, django_capture_on_commit_callbacks
):
    employee = world.a.members[Role.EMPLOYEE]
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            suggestion_submit(actor=employee, kind="link", url=f"https://example.com/{n}")
    waiting = Notification.objects.filter(event="suggestion_waiting")
    assert sorted(waiting.values_list("membership__role", flat=True)) == [Role.ADMIN, Role.MANAGER]
    assert not Notification.objects.filter(organization=world.b.org).exists()


def test_item_submitted_for_review_tells_reviewers(world, django_capture_on_commit_callbacks):
    items = [ContentItemFactory.create(organization=world.a.org) for _ in range(2)]
    for item in items:
        with django_capture_on_commit_callbacks(execute=True):
            content_item_submit(actor=world.a.members[Role.MANAGER], item=item)
    assert all(i.status == Status.DRAFT for i in items)  # the callers' copies
    waiting = Notification.objects.filter(event="review_waiting")
    assert waiting.count() == 2  # manager and admin, once each for both items


def test_failed_share_tells_its_member(world, django_capture_on_commit_callbacks):
    employee = world.a.members[Role.EMPLOYEE]
    share = ShareFactory.create(membership=employee, state=ShareState.PUBLISHING)
    with django_capture_on_commit_callbacks(execute=True):
        mark_failed(share, "The network said no", code="rejected")
    n = Notification.objects.get(membership=employee)
    assert n.event == "share_failed"
    assert render(n.event, n.params)[0] == f"Your share of “{share.item.title}” on LinkedIn failed"
    assert n.link == f"/o/{world.a.org.slug}/shares/{share.pk}/"


def test_token_expiring_tells_each_active_membership(world, django_capture_on_commit_callbacks):
    employee = world.a.members[Role.EMPLOYEE]
    account = NetworkAccountFactory.create(user=employee.user)
    account.token_expires_at = timezone.now() + timedelta(days=3)
    account.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert network_account_expiry_warn(account=account, now=timezone.now())
    n = Notification.objects.get(membership=employee)
    assert n.event == "token_expiring"
    assert n.params["network"] == "linkedin"
    assert "LinkedIn" in render(n.event, n.params)[0]


def test_published_policy_asks_pending_members(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = publish_policy(world.a.org, world.a.members[Role.ADMIN])
    told = Notification.objects.filter(event="policy_acceptance")
    assert told.count() == len(world.a.members)
    n = told.first()
    assert n is not None and n.params["title"] == document.title
    assert not Notification.objects.filter(organization=world.b.org).exists()


def test_text_is_rendered_in_the_readers_language(world):
    from django.utils import translation

    with translation.override("lt"):
        lt = render("suggestion_accepted", {"title": "X"})[0]
    en = render("suggestion_accepted", {"title": "X"})[0]
    assert en == "Your suggestion “X” was accepted"
    assert isinstance(lt, str) and "X" in lt  # translated by the lead at merge (locale/)
