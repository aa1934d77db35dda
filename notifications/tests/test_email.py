"""The e-mail channel: parts, language, headers, one-click unsubscribe without login,
exactly once under concurrent tasks, quiet hours, retries."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from advocacy.models import Role
from notifications.models import Delivery, DeliveryStatus, NotificationPreference
from notifications.services.dispatch import notify
from notifications.services.email import (
    MAX_ATTEMPTS,
    dangerously_deliveries_due,
    delivery_send,
    unsubscribe_token,
)
from notifications.tasks import bulk_deliveries_due, bulk_email_deliver


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def _html(message: Any) -> str:
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    return str(html)


def _delivery(member, event="suggestion_declined", **params) -> Delivery:
    notify(
        event=event,
        recipients=[member],
        period="1",
        params=params or {"title": "Ovens", "reason": "Off topic"},
        link="/o/x/feed/",
    )
    return Delivery.objects.get(membership=member, channel="email")


@pytest.mark.django_db
def test_email_has_text_and_html_parts_org_name_and_one_click_headers(world):
    employee = world.a.members[Role.EMPLOYEE]
    delivery = _delivery(employee)
    assert delivery_send(organization_id=world.a.org.pk, delivery_id=delivery.pk) == "sent"
    [message] = mail.outbox
    assert message.to == [employee.user.email]
    assert message.subject == "Your suggestion “Ovens” was declined"
    assert "Acme" in message.from_email
    assert "The reason: Off topic" in message.body
    assert "The reason: Off topic" in _html(message)
    assert "http://" in message.body and "/o/x/feed/" in message.body
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<") and "/notifications/unsubscribe/" in unsubscribe
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1


@pytest.mark.django_db
def test_email_is_in_the_recipients_language(world):
    employee = world.a.members[Role.EMPLOYEE]
    employee.user.language = "lt"
    employee.user.save()
    delivery = _delivery(employee, event="policy_acceptance", title="Policy", number=2)
    delivery_send(organization_id=world.a.org.pk, delivery_id=delivery.pk)
    [message] = mail.outbox
    assert '<html lang="lt">' in _html(message)


@pytest.mark.django_db
def test_dates_are_formatted_in_the_recipients_language(world):
    employee = world.a.members[Role.EMPLOYEE]
    employee.user.language = "lt"
    employee.user.save()
    NotificationPreference.objects.create(
        organization=world.a.org,
        membership=employee,
        event="token_expiring",
        channel="email",
        enabled=True,
    )
    delivery = _delivery(employee, event="token_expiring", network="linkedin", date="2026-12-04")
    delivery_send(organization_id=world.a.org.pk, delivery_id=delivery.pk)
    [message] = mail.outbox
    assert "gruodžio" in message.subject  # December, in Lithuanian (Django's own formats)


@pytest.mark.django_db
def test_unsubscribe_link_works_without_login_and_asks_first(world):
    employee = world.a.members[Role.EMPLOYEE]
    queued = _delivery(employee)
    url = f"/notifications/unsubscribe/{unsubscribe_token(employee, 'suggestion_declined')}/"
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(url)
    assert page.status_code == 200
    assert not NotificationPreference.objects.exists()  # a link scanner's GET changes nothing
    # RFC 8058: the mail client POSTs List-Unsubscribe=One-Click, with no session or CSRF token.
    done = anonymous.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    pref = NotificationPreference.objects.get()
    assert (pref.membership, pref.event, pref.channel, pref.enabled) == (
        employee,
        "suggestion_declined",
        "email",
        False,
    )
    # A delivery queued before is not sent any more; nothing new is queued.
    assert delivery_send(organization_id=world.a.org.pk, delivery_id=queued.pk) == "skipped"
    assert mail.outbox == []
    notify(event="suggestion_declined", recipients=[employee], period="2", params={})
    assert Delivery.objects.count() == 1


@pytest.mark.django_db
def test_unsubscribe_from_everything(world):
    employee = world.a.members[Role.EMPLOYEE]
    url = f"/notifications/unsubscribe/{unsubscribe_token(employee, '*')}/"
    assert Client().post(url).status_code == 200
    assert not NotificationPreference.objects.filter(channel="email", enabled=True).exists()
    assert NotificationPreference.objects.filter(channel="email").count() > 5
    notify(event="policy_acceptance", recipients=[employee], period="1", params={})
    assert not Delivery.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["nonsense", "eyJvIjoxfQ:1abc:xyz"])
def test_a_bad_unsubscribe_token_is_a_400(token):
    client = Client()
    assert client.get(f"/notifications/unsubscribe/{token}/").status_code == 400
    assert client.post(f"/notifications/unsubscribe/{token}/").status_code == 400


@pytest.mark.django_db
def test_quiet_hours_hold_the_email_until_the_sweep_finds_it_due(world):
    employee = world.a.members[Role.EMPLOYEE]
    delivery = _delivery(employee)
    Delivery.objects.filter(pk=delivery.pk).update(
        not_before=timezone.now() + timedelta(hours=2),
        created_at=timezone.now() - timedelta(hours=1),
    )
    assert delivery_send(organization_id=world.a.org.pk, delivery_id=delivery.pk) == "later"
    assert dangerously_deliveries_due() == []
    assert mail.outbox == []
    later = timezone.now() + timedelta(hours=3)
    assert dangerously_deliveries_due(now=later) == [(world.a.org.pk, delivery.pk)]
    assert delivery_send(organization_id=world.a.org.pk, delivery_id=delivery.pk, now=later) == (
        "sent"
    )
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_foreign_organization_id_finds_nothing(world):
    delivery = _delivery(world.a.members[Role.EMPLOYEE])
    assert delivery_send(organization_id=world.b.org.pk, delivery_id=delivery.pk) == "done"
    assert mail.outbox == []


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND="notifications.tests.test_email.RefusingBackend")
def test_a_refusing_mail_server_is_retried_then_given_up(world):
    delivery = _delivery(world.a.members[Role.EMPLOYEE])
    now = timezone.now()
    assert delivery_send(organization_id=world.a.org.pk, delivery_id=delivery.pk, now=now) == (
        "retry"
    )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.not_before > now
    assert "mail server down" in delivery.error
    for day in range(1, MAX_ATTEMPTS):
        outcome = delivery_send(
            organization_id=world.a.org.pk,
            delivery_id=delivery.pk,
            now=timezone.now() + timedelta(days=day),
        )
    assert outcome == "failed"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == MAX_ATTEMPTS


@pytest.mark.django_db
def test_the_sweep_task_sends_due_deliveries(world, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from advocacy.celery import app

    app.conf.task_always_eager = True
    try:
        delivery = _delivery(world.a.members[Role.EMPLOYEE])
        Delivery.objects.filter(pk=delivery.pk).update(
            created_at=timezone.now() - timedelta(minutes=10)
        )
        assert bulk_deliveries_due() == 1
    finally:
        app.conf.task_always_eager = False
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_the_task_run_twice_concurrently_sends_once(world, postgres_only):
    delivery = _delivery(world.a.members[Role.EMPLOYEE])
    runs = 2
    barrier = threading.Barrier(runs)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            result = bulk_email_deliver.apply(args=(delivery.pk, world.a.org.pk))
            outcomes.append(result.get())
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(outcomes) == ["done", "sent"]
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1
