"""``notify``: audience, preferences, the organization's defaults, idempotency, quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from advocacy.models import Role
from notifications.models import (
    Delivery,
    MemberNotificationSettings,
    Notification,
    NotificationPreference,
    OrganizationNotificationSettings,
)
from notifications.services.dispatch import notify
from notifications.services.quiet import quiet_until, zone

pytestmark = pytest.mark.django_db


def test_notify_writes_in_app_and_email_by_default(world):
    employee = world.a.members[Role.EMPLOYEE]
    told = notify(
        event="suggestion_declined",
        recipients=[employee],
        period="7",
        params={"title": "Ovens", "reason": "Off topic"},
    )
    assert told == 1
    n = Notification.objects.get()
    assert (n.organization, n.membership, n.event) == (world.a.org, employee, "suggestion_declined")
    d = Delivery.objects.get()
    assert (d.channel, d.status, d.membership) == ("email", "pending", employee)


def test_the_same_event_and_period_is_stored_once(world):
    employee = world.a.members[Role.EMPLOYEE]
    for _ in range(3):
        notify(event="suggestion_declined", recipients=[employee], period="7", params={})
    assert Notification.objects.count() == 1
    assert Delivery.objects.count() == 1
    notify(event="suggestion_declined", recipients=[employee], period="8", params={})
    assert Notification.objects.count() == 2


def test_audience_keeps_manager_events_from_employees(world):
    members = list(world.a.members.values())
    notify(event="review_waiting", recipients=members, period="h1")
    got = set(Notification.objects.values_list("membership__role", flat=True))
    assert got == {Role.MANAGER, Role.ADMIN}


def test_inactive_members_get_nothing(world):
    employee = world.a.members[Role.EMPLOYEE]
    employee.is_active = False
    employee.save()
    assert notify(event="suggestion_accepted", recipients=[employee], period="1") == 0
    assert not Notification.objects.exists()


def test_member_preference_beats_org_default_beats_registry(world):
    employee = world.a.members[Role.EMPLOYEE]
    manager = world.a.members[Role.MANAGER]
    OrganizationNotificationSettings.objects.create(
        organization=world.a.org, default_channels={"suggestion_declined": ["in_app"]}
    )
    NotificationPreference.objects.create(
        organization=world.a.org,
        membership=manager,
        event="suggestion_declined",
        channel="email",
        enabled=True,
    )
    NotificationPreference.objects.create(
        organization=world.a.org,
        membership=manager,
        event="suggestion_declined",
        channel="in_app",
        enabled=False,
    )
    notify(event="suggestion_declined", recipients=[employee, manager], period="1")
    assert list(Notification.objects.values_list("membership", flat=True)) == [employee.pk]
    assert list(Delivery.objects.values_list("membership", flat=True)) == [manager.pk]


def test_recipients_of_two_organizations_are_refused(world):
    with pytest.raises(ValueError):
        notify(
            event="suggestion_accepted",
            recipients=[world.a.members[Role.EMPLOYEE], world.b.members[Role.EMPLOYEE]],
            period="1",
        )


def test_quiet_hours_delay_email_in_the_members_time_zone(world):
    employee = world.a.members[Role.EMPLOYEE]
    MemberNotificationSettings.objects.create(
        organization=world.a.org,
        membership=employee,
        quiet_start=time(21, 0),
        quiet_end=time(7, 30),
        time_zone="Europe/Vilnius",
    )
    # 20:00 UTC in December is 22:00 in Vilnius: quiet until 07:30 Vilnius = 05:30 UTC.
    now = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
    notify(event="suggestion_declined", recipients=[employee], period="1", now=now)
    delivery = Delivery.objects.get()
    assert delivery.not_before == datetime(2026, 12, 2, 5, 30, tzinfo=UTC)
    # The in-app notification is not delayed.
    assert Notification.objects.get().created_at == now


def test_org_quiet_hours_apply_unless_the_member_turned_them_off(world):
    employee = world.a.members[Role.EMPLOYEE]
    manager = world.a.members[Role.MANAGER]
    world.a.org.time_zone = "UTC"
    world.a.org.save()
    OrganizationNotificationSettings.objects.create(
        organization=world.a.org, quiet_start=time(12, 0), quiet_end=time(13, 0)
    )
    MemberNotificationSettings.objects.create(
        organization=world.a.org, membership=manager, quiet_disabled=True
    )
    now = datetime(2026, 12, 1, 12, 15, tzinfo=UTC)
    notify(event="suggestion_declined", recipients=[employee, manager], period="1", now=now)
    by_member = dict(Delivery.objects.values_list("membership", "not_before"))
    assert by_member[employee.pk] == datetime(2026, 12, 1, 13, 0, tzinfo=UTC)
    assert by_member[manager.pk] == now


@pytest.mark.parametrize(
    ("local", "start", "end", "until"),
    [
        ("10:00", "09:00", "17:00", "17:00"),
        ("08:00", "09:00", "17:00", None),
        ("23:00", "22:00", "07:00", "07:00+1"),
        ("03:00", "22:00", "07:00", "07:00"),
        ("12:00", "22:00", "07:00", None),
    ],
)
def test_quiet_until(local, start, end, until):
    tz = zone("Europe/Vilnius")
    h, m = map(int, local.split(":"))
    now = datetime(2026, 6, 10, h, m, tzinfo=tz)
    got = quiet_until(now, tz=tz, start=time.fromisoformat(start), end=time.fromisoformat(end))
    if until is None:
        assert got is None
    else:
        day = 11 if until.endswith("+1") else 10
        hour, minute = (int(part) for part in until[:5].split(":"))
        assert got == datetime(2026, 6, day, hour, minute, tzinfo=tz)
