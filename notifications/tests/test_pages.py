"""Pages: the bell on every organization page, my notifications, mark read, preferences,
the organization's defaults."""

from __future__ import annotations

from datetime import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advocacy.models import Role
from notifications.models import (
    MemberNotificationSettings,
    Notification,
    NotificationPreference,
    OrganizationNotificationSettings,
)
from notifications.selectors import unread_cache_key
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_bell_shows_my_unread_count(world, client):
    employee = world.a.members[Role.EMPLOYEE]
    NotificationFactory.create_batch(3, membership=employee)
    NotificationFactory.create(membership=world.a.members[Role.MANAGER])
    client.force_login(employee.user)
    page = client.get(f"/o/{world.a.org.slug}/feed/").content.decode()
    assert 'data-testid="notification-bell"' in page
    assert '<span class="bell-count">3<' in page


def test_the_bell_costs_at_most_one_query_and_none_when_cached(world, client):
    employee = world.a.members[Role.EMPLOYEE]
    NotificationFactory.create_batch(2, membership=employee)
    client.force_login(employee.user)
    url = f"/o/{world.a.org.slug}/shares/"
    _queries(client, url)  # warms every cache the page uses, the bell's count among them
    cached = _queries(client, url)  # the bell costs no query now
    cache.delete(unread_cache_key(world.a.org.pk, employee.pk))
    assert _queries(client, url) == cached + 1  # one indexed count when it is not cached
    assert cache.get(unread_cache_key(world.a.org.pk, employee.pk)) == 2


def test_the_list_is_mine_only_and_paged(world, client):
    employee = world.a.members[Role.EMPLOYEE]
    NotificationFactory.create_batch(35, membership=employee)
    NotificationFactory.create(
        membership=world.a.members[Role.MANAGER], params={"title": "Not yours", "reason": "x"}
    )
    client.force_login(employee.user)
    url = f"/o/{world.a.org.slug}/notifications/"
    first = client.get(url)
    body = first.content.decode()
    assert body.count('class="notification unread"') == 30
    assert "Not yours" not in body
    assert first.context["next_url"]
    second = client.get(first.context["next_url"])
    assert second.content.decode().count('class="notification unread"') == 5


def test_list_queries_do_not_grow_with_notifications(world, client, django_assert_max_num_queries):
    employee = world.a.members[Role.EMPLOYEE]
    client.force_login(employee.user)
    url = f"/o/{world.a.org.slug}/notifications/"
    NotificationFactory.create_batch(2, membership=employee)
    few = _queries(client, url)
    NotificationFactory.create_batch(25, membership=employee)
    cache.delete(unread_cache_key(world.a.org.pk, employee.pk))
    with django_assert_max_num_queries(few):
        client.get(url)


def test_opening_a_notification_marks_it_read_and_follows_its_link(world, client):
    employee = world.a.members[Role.EMPLOYEE]
    n = NotificationFactory.create(membership=employee, link=f"/o/{world.a.org.slug}/feed/")
    client.force_login(employee.user)
    client.get(f"/o/{world.a.org.slug}/feed/")  # the count is cached now
    response = client.post(f"/o/{world.a.org.slug}/notifications/{n.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == n.link
    n.refresh_from_db()
    assert n.read_at is not None
    page = client.get(f"/o/{world.a.org.slug}/feed/").content.decode()
    assert "bell-count" not in page  # the cached count was forgotten


def test_nobody_marks_someone_elses_notification(world, client):
    n = NotificationFactory.create(membership=world.a.members[Role.EMPLOYEE])
    client.force_login(world.a.admin)
    assert client.post(f"/o/{world.a.org.slug}/notifications/{n.pk}/read/").status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read(world, client):
    employee = world.a.members[Role.EMPLOYEE]
    NotificationFactory.create_batch(3, membership=employee)
    other = NotificationFactory.create(membership=world.a.members[Role.MANAGER])
    client.force_login(employee.user)
    response = client.post(f"/o/{world.a.org.slug}/notifications/read-all/")
    assert response.status_code == 302
    assert not Notification.objects.filter(membership=employee, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_preferences_page_saves_channels_and_quiet_hours(world, client):
    employee = world.a.members[Role.EMPLOYEE]
    client.force_login(employee.user)
    url = f"/o/{world.a.org.slug}/notifications/preferences/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: "on" for name, field in form.fields.items() if field.initial is True}
    data.pop("content_new__email")
    data.update({"quiet_start": "22:00", "quiet_end": "07:00", "time_zone": "Europe/Vilnius"})
    assert "review_waiting__in_app" not in form.fields  # not a reviewer
    response = client.post(url, data)
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(
        membership=employee, event="content_new", channel="email"
    )
    assert pref.enabled is False
    ms = MemberNotificationSettings.objects.get(membership=employee)
    assert (ms.quiet_start, ms.quiet_end, ms.time_zone) == (
        time(22, 0),
        time(7, 0),
        "Europe/Vilnius",
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"quiet_start": "22:00"}, "quiet_end"),
        ({"quiet_start": "25:00", "quiet_end": "07:00"}, "quiet_start"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ],
)
def test_preferences_bad_input_is_a_400_with_field_errors(world, client, data, field):
    client.force_login(world.a.employee)
    response = client.post(f"/o/{world.a.org.slug}/notifications/preferences/", data)
    assert response.status_code == 400
    assert field in response.context["form"].errors


def test_org_defaults_page_is_for_admins(world, client):
    url = f"/o/{world.a.org.slug}/notifications/settings/"
    for role, status in ((Role.EMPLOYEE, 403), (Role.MANAGER, 403), (Role.ADMIN, 200)):
        client.force_login(world.a.user(role))
        assert client.get(url).status_code == status


def test_org_defaults_are_saved_and_used(world, client):
    client.force_login(world.a.admin)
    url = f"/o/{world.a.org.slug}/notifications/settings/"
    data = {
        "suggestion_declined__in_app": "on",
        "quiet_start": "20:00",
        "quiet_end": "08:00",
        "digest_weekday": "4",
        "digest_hour": "10",
    }
    assert client.post(url, data).status_code == 302
    row = OrganizationNotificationSettings.objects.get(organization=world.a.org)
    assert row.default_channels["suggestion_declined"] == ["in_app"]
    assert row.default_channels["content_new"] == []
    assert (row.quiet_start, row.digest_weekday, row.digest_hour) == (time(20, 0), 4, 10)
    client.force_login(world.a.employee)
    form = client.get(f"/o/{world.a.org.slug}/notifications/preferences/").context["form"]
    assert form.fields["content_new__in_app"].initial is False
    assert form.fields["suggestion_declined__in_app"].initial is True


def test_org_defaults_bad_hour_is_a_400(world, client):
    client.force_login(world.a.admin)
    response = client.post(
        f"/o/{world.a.org.slug}/notifications/settings/",
        {"digest_weekday": "9", "digest_hour": "30"},
    )
    assert response.status_code == 400
    assert {"digest_weekday", "digest_hour"} <= set(response.context["form"].errors)
