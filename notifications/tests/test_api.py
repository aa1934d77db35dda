"""API: my notifications (list, mark read, mark all read) and my preferences."""

from __future__ import annotations

import pytest

from advocacy.models import Role
from notifications.models import MemberNotificationSettings, Notification, NotificationPreference
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def _base(world) -> str:
    return f"/api/v1/orgs/{world.a.org.slug}/notifications/"


def test_list_is_mine_newest_first_and_rendered(world, api_client, django_assert_max_num_queries):
    employee = world.a.members[Role.EMPLOYEE]
    older = NotificationFactory.create(membership=employee)
    newer = NotificationFactory.create(
        membership=employee, event="suggestion_accepted", params={"title": "Ovens"}
    )
    NotificationFactory.create_batch(20, membership=world.a.members[Role.MANAGER])
    api_client.force_login(employee.user)
    with django_assert_max_num_queries(6):
        response = api_client.get(_base(world))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [newer.pk, older.pk]
    assert rows[0]["title"] == "Your suggestion “Ovens” was accepted"
    assert rows[0]["is_read"] is False


def test_unread_filter_and_mark_read(world, api_client):
    employee = world.a.members[Role.EMPLOYEE]
    a, b = NotificationFactory.create_batch(2, membership=employee)
    api_client.force_login(employee.user)
    response = api_client.post(f"{_base(world)}{a.pk}/read/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    unread = api_client.get(_base(world), {"unread": "1"}).json()["results"]
    assert [r["id"] for r in unread] == [b.pk]


def test_someone_elses_notification_is_a_404(world, api_client):
    n = NotificationFactory.create(membership=world.a.members[Role.EMPLOYEE])
    api_client.force_login(world.a.admin)
    assert api_client.post(f"{_base(world)}{n.pk}/read/").status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_read_all(world, api_client):
    employee = world.a.members[Role.EMPLOYEE]
    NotificationFactory.create_batch(3, membership=employee)
    api_client.force_login(employee.user)
    response = api_client.post(f"{_base(world)}read-all/")
    assert response.json() == {"marked": 3, "unread": 0}
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_preferences_get_and_patch(world, api_client):
    employee = world.a.members[Role.EMPLOYEE]
    api_client.force_login(employee.user)
    url = f"{_base(world)}preferences/"
    got = api_client.get(url).json()
    assert got["channels"]["content_new"] == {"in_app": True, "email": True}
    assert "review_waiting" not in got["channels"]
    response = api_client.patch(
        url,
        {
            "channels": {"content_new": {"email": False}},
            "quiet_start": "22:00",
            "quiet_end": "07:00",
            "time_zone": "Europe/Vilnius",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["channels"]["content_new"] == {"in_app": True, "email": False}
    assert NotificationPreference.objects.get(membership=employee).enabled is False
    assert MemberNotificationSettings.objects.get(membership=employee).time_zone == (
        "Europe/Vilnius"
    )


@pytest.mark.parametrize(
    "body",
    [
        {"channels": {"review_waiting": {"in_app": True}}},  # not a reviewer
        {"channels": {"content_new": {"slack": True}}},
        {"channels": {"content_new": "yes"}},
        {"quiet_start": "22:00"},
        {"quiet_start": "nonsense", "quiet_end": "07:00"},
        {"time_zone": "Mars/Olympus"},
    ],
)
def test_bad_preferences_are_a_400(world, api_client, body):
    api_client.force_login(world.a.employee)
    response = api_client.patch(f"{_base(world)}preferences/", body, format="json")
    assert response.status_code == 400, response.content
    assert not NotificationPreference.objects.exists()
