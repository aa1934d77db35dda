"""Who has accepted a document: per-member status for the current version, filters,
keyset pages, a constant number of queries; reminding those who have not accepted."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from advocacy.models import AuditLogEntry, Role
from guidelines import selectors, services
from guidelines.models import PolicyReminder
from tests.factories import MembershipFactory


def _url(world, document, suffix="acceptances/"):
    return f"/o/{world.a.org.slug}/guidelines/{document.pk}/{suffix}"


def _publish(policy, world, body, **kw):
    admin = world.a.members["admin"]
    version = services.policy_version_draft_save(actor=admin, document=policy, body_markdown=body)
    return services.policy_version_publish(actor=admin, version=version, **kw)


def _statuses(html):
    return {int(m): s for m, s in re.findall(r'data-member="(\d+)" data-acceptance="(\w+)"', html)}


def test_status_per_member_for_the_current_version(world, policy, client):
    t = world.a
    services.policy_acknowledge(actor=t.members["manager"], version=policy.versions.get())
    v2 = _publish(policy, world, "v2 text", requires_reacknowledgement=True)
    services.policy_acknowledge(actor=t.members["hr"], version=v2)
    services.policy_acknowledge(actor=t.members["admin"], version=v2)
    _publish(policy, world, "v3 text")  # no re-acceptance needed
    client.force_login(t.admin)

    resp = client.get(_url(world, policy))
    assert resp.status_code == 200
    statuses = _statuses(resp.content.decode())
    assert statuses == {
        t.members["employee"].pk: "pending",  # never accepted
        t.members["manager"].pk: "pending",  # accepted v1; v2 required accepting again
        t.members["hr"].pk: "earlier",  # accepted v2; v3 needs no re-acceptance
        t.members["admin"].pk: "earlier",
    }
    page = resp.content.decode()
    assert "2 accepted, 2 not yet." in page

    pending = _statuses(client.get(_url(world, policy), {"status": "pending"}).content.decode())
    assert set(pending) == {t.members["employee"].pk, t.members["manager"].pk}
    accepted = _statuses(client.get(_url(world, policy), {"status": "accepted"}).content.decode())
    assert set(accepted) == {t.members["hr"].pk, t.members["admin"].pk}


def test_statuses_agree_with_the_sharing_gate(world, policy):
    t = world.a
    version = policy.versions.get()
    services.policy_acknowledge(actor=t.members["hr"], version=version)
    rows = selectors.policy_acceptances(document=policy, version=version)
    for m in rows:
        gate = selectors.policy_acknowledgement_required(membership=m)
        # ``acceptance`` is a queryset annotation.
        assert (m.acceptance == "pending") == (gate is not None), m  # type: ignore[attr-defined]


def test_unknown_filter_is_a_form_error_not_a_500(world, policy, client):
    client.force_login(world.a.admin)
    resp = client.get(_url(world, policy), {"status": "bogus"})
    assert resp.status_code == 400
    assert "Select a valid choice" in resp.content.decode()
    # A broken cursor starts from the top.
    assert client.get(_url(world, policy), {"cursor": "%%%"}).status_code == 200


def test_keyset_pages(world, policy, client):
    extra = [MembershipFactory.create(organization=world.a.org) for _ in range(52)]
    client.force_login(world.a.admin)
    html = client.get(_url(world, policy), {"status": "pending"}).content.decode()
    first = list(_statuses(html))
    assert len(first) == 50 and first == sorted(first, reverse=True)
    match = re.search(r'href="([^"]+)" rel="next"', html)
    assert match
    next_url = match.group(1).replace("&amp;", "&")
    assert "status=pending" in next_url
    rest = list(_statuses(client.get(next_url).content.decode()))
    assert len(rest) == 6  # 52 new and the 4 members of the world, none accepted
    assert set(first).isdisjoint(rest)
    assert {m.pk for m in extra} <= set(first) | set(rest)


@pytest.mark.parametrize("n", [3, 30])
def test_queries_do_not_grow_with_members(world, policy, client, n, django_assert_max_num_queries):
    version = policy.versions.get()
    for _ in range(n):
        m = MembershipFactory.create(organization=world.a.org)
        services.policy_acknowledge(actor=m, version=version)
    client.force_login(world.a.admin)
    with django_assert_max_num_queries(10):
        assert client.get(_url(world, policy)).status_code == 200


def test_only_admins_and_only_their_tenant(world, policy, client):
    for role in (Role.EMPLOYEE, Role.MANAGER, Role.HR):
        client.force_login(world.a.user(role))
        assert client.get(_url(world, policy)).status_code == 403
        assert client.post(_url(world, policy, "remind/")).status_code == 403
    client.force_login(world.b.admin)
    assert (
        client.get(f"/o/{world.b.org.slug}/guidelines/{policy.pk}/acceptances/").status_code == 404
    )
    assert client.post(f"/o/{world.b.org.slug}/guidelines/{policy.pk}/remind/").status_code == 404


# --- Reminders ---------------------------------------------------------------------------


def test_remind_emails_the_pending_once_a_day(
    world, policy, client, eager_celery, django_capture_on_commit_callbacks
):
    t = world.a
    services.policy_acknowledge(actor=t.members["hr"], version=policy.versions.get())
    client.force_login(t.admin)
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            resp = client.post(_url(world, policy, "remind/"))
        assert resp.status_code == 302
        recipients = sorted(m.to[0] for m in mail.outbox)
        assert recipients == sorted(
            t.user(r).email for r in (Role.EMPLOYEE, Role.MANAGER, Role.ADMIN)
        )
        assert "Social-media policy" in mail.outbox[0].subject
        assert f"/o/{t.org.slug}/guidelines/{policy.pk}/" in mail.outbox[0].body
        # Clicked twice: nothing more.
        with django_capture_on_commit_callbacks(execute=True):
            client.post(_url(world, policy, "remind/"))
        assert len(mail.outbox) == 3
        page = client.get(_url(world, policy)).content.decode()
        assert page.count("<time datetime=") == 3  # the last reminder of each pending member
    assert (
        AuditLogEntry.objects.filter(
            organization=t.org, action="policy_reminders.sent", data__count=3
        ).count()
        == 1
    )
    # The next day, those still pending are reminded again.
    services.policy_acknowledge(actor=t.members["manager"], version=policy.versions.get())
    with (
        time_machine.travel("2026-03-03 09:00:00+00:00", tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sent = services.policy_reminders_send(actor=t.members["admin"], document=policy)
    assert sent == 2 and len(mail.outbox) == 5


def test_reminders_go_in_the_members_language(
    world, policy, eager_celery, django_capture_on_commit_callbacks
):
    employee = world.a.members["employee"]
    employee.user.language = "lt"
    employee.user.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.policy_reminders_send(actor=world.a.members["admin"], document=policy)
    [message] = [m for m in mail.outbox if m.to == [employee.user.email]]
    assert message.subject  # rendered under the member's language; text checked by i18n tests


def test_reminder_service_checks_role_and_tenant(world, policy):
    for role in (Role.EMPLOYEE, Role.MANAGER, Role.HR):
        with pytest.raises(PermissionDenied):
            services.policy_reminders_send(actor=world.a.members[role], document=policy)
    with pytest.raises(PermissionDenied):
        services.policy_reminders_send(actor=world.b.members["admin"], document=policy)
    assert not PolicyReminder.objects.exists()


def test_nobody_pending_sends_nothing(world, policy, eager_celery):
    version = policy.versions.get()
    for m in world.a.members.values():
        services.policy_acknowledge(actor=m, version=version)
    assert services.policy_reminders_send(actor=world.a.members["admin"], document=policy) == 0
    assert mail.outbox == []
    assert not AuditLogEntry.objects.filter(action="policy_reminders.sent").exists()


def test_inactive_members_are_not_listed_nor_reminded(
    world, policy, eager_celery, django_capture_on_commit_callbacks
):
    employee = world.a.members["employee"]
    employee.is_active = False
    employee.deactivated_at = timezone.now() - timedelta(days=1)
    employee.save()
    version = policy.versions.get()
    assert employee.pk not in {
        m.pk for m in selectors.policy_acceptances(document=policy, version=version)
    }
    with django_capture_on_commit_callbacks(execute=True):
        services.policy_reminders_send(actor=world.a.members["admin"], document=policy)
    assert len(mail.outbox) == 3
    assert employee.user.email not in {m.to[0] for m in mail.outbox}
