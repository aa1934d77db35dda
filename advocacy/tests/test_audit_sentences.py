"""The audit log reads as sentences with both names, translated through placeholders,
escaped; its filter is a list of known actions, and a value outside it is a form error."""

from __future__ import annotations

import html
import re

import pytest
from django.utils import translation

from advocacy import services
from advocacy.audit_sentences import ACTIONS, action_choices, describe_entries
from advocacy.models import AuditLogEntry, Role

URL = "/o/{slug}/audit-log/"


def _sentences(page: str) -> list[str]:
    rows = re.findall(r"<tr>\s*<td><time[^>]*>[^<]*</time></td>\s*<td>(.*?)</td>", page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", r)).strip() for r in rows]


def test_role_change_reads_as_a_sentence_with_both_names(world, client):
    t = world.a
    admin, employee = t.members["admin"], t.members["employee"]
    admin.user.name, employee.user.name = "Alice Thompson", "Ben Carter"
    admin.user.save(update_fields=["name"])
    employee.user.save(update_fields=["name"])
    services.member_update(actor=admin, membership=employee, role=Role.MANAGER)
    client.force_login(admin.user)
    page = client.get(URL.format(slug=t.org.slug)).content.decode()
    assert (
        "Alice Thompson (admin) changed Ben Carter's role from Employee to Manager"
        in _sentences(page)
    )


def test_sentences_for_the_core_actions(world, client):
    t = world.a
    admin = t.members["admin"]
    department = services.department_create(actor=admin, name="Ops")
    services.department_rename(actor=admin, department=department, name="Operations")
    services.member_deactivate(actor=admin, membership=t.members["hr"])
    services.invitation_revoke(actor=admin, invitation=t.invitation)
    client.force_login(admin.user)
    sentences = _sentences(client.get(URL.format(slug=t.org.slug)).content.decode())
    who = f"{admin.user.name} (admin)"
    assert f"{who} created the department Ops" in sentences
    assert f"{who} renamed the department Ops to Operations" in sentences
    assert f"{who} deactivated {t.members['hr'].user.name}" in sentences
    assert f"{who} withdrew the invitation to same@example.com" in sentences


def test_guideline_entries_name_the_document(world, client):
    from guidelines import services as guidelines_services

    admin = world.a.members["admin"]
    document = guidelines_services.policy_document_create(
        actor=admin, kind="policy", title="Social-media policy", body_markdown="Be kind."
    )
    guidelines_services.policy_version_publish(
        actor=admin, version=document.versions.get(), requires_reacknowledgement=True
    )
    client.force_login(admin.user)
    sentences = _sentences(client.get(URL.format(slug=world.a.org.slug)).content.decode())
    who = f"{admin.user.name} (admin)"
    assert (
        f"{who} published version 1 of Social-media policy; everyone must accept it again"
        in sentences
    )
    assert f"{who} created the document Social-media policy" in sentences


def test_names_and_values_are_escaped(world, client):
    t = world.a
    services.department_create(actor=t.members["admin"], name="<script>alert(1)</script>")
    client.force_login(t.admin)
    page = client.get(URL.format(slug=t.org.slug)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_sentences_are_translated_with_their_values(world):
    t = world.a
    services.member_update(
        actor=t.members["admin"], membership=t.members["employee"], role=Role.MANAGER
    )
    entry = (
        AuditLogEntry.objects.for_org(t.org)
        .select_related("actor")
        .get(action="membership.updated")
    )
    with translation.override("lt"):
        [described] = describe_entries([entry], organization=t.org)
        manager_lt = str(Role.MANAGER.label)
        employee_lt = str(Role.EMPLOYEE.label)
    assert manager_lt != "Manager"  # the role labels have Lithuanian translations
    assert manager_lt in described.sentence and employee_lt in described.sentence


def test_system_entries_and_unknown_actions_still_read(world):
    t = world.a
    entries = [
        AuditLogEntry(organization=t.org, action="invitation.expired", data={"email": "x@y.z"}),
        AuditLogEntry(
            organization=t.org, action="plugin.thing", target_type="thing", target_id="7"
        ),
    ]
    described = describe_entries(entries, organization=t.org)
    assert str(described[0].sentence) == "The invitation to x@y.z expired"
    assert "thing #7" in str(described[1].sentence)
    assert described[1].action_label == ""


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_known_action_renders_even_with_data_missing(world, action):
    t = world.a
    entry = AuditLogEntry(organization=t.org, actor=t.admin, action=action, target_id="1")
    [described] = describe_entries([entry], organization=t.org)
    assert str(described.sentence).strip()
    assert described.action_label


def test_filter_is_a_list_of_known_actions(world, client):
    t = world.a
    services.department_create(actor=t.members["admin"], name="Ops")
    client.force_login(t.admin)
    page = client.get(URL.format(slug=t.org.slug)).content.decode()
    assert '<select name="action"' in page
    for value, label in action_choices():
        assert f'<option value="{value}">{html.escape(label)}</option>' in page
    filtered = client.get(URL.format(slug=t.org.slug), {"action": "department.created"})
    assert filtered.status_code == 200
    assert _sentences(filtered.content.decode()) == [
        f"{t.admin.name} (admin) created the department Ops"
    ]


def test_unknown_filter_value_is_a_form_error(world, client):
    t = world.a
    client.force_login(t.admin)
    resp = client.get(URL.format(slug=t.org.slug), {"action": "no.such.action"})
    assert resp.status_code == 400
    assert "Select a valid choice" in resp.content.decode()
    long = client.get(URL.format(slug=t.org.slug), {"action": "x" * 500})
    assert long.status_code == 400


def test_the_filter_lists_no_other_tenants_actions(world, client):
    AuditLogEntry.objects.create(organization=world.b.org, action="secret.b")
    client.force_login(world.a.admin)
    resp = client.get(URL.format(slug=world.a.org.slug), {"action": "secret.b"})
    assert resp.status_code == 400
    assert (
        "secret.b"
        not in re.sub(r'value="secret\.b"', "", resp.content.decode())
        .split("<select", 1)[1]
        .split("</select>", 1)[0]
    )


@pytest.mark.parametrize("n", [4, 24])
def test_queries_do_not_grow_with_mixed_entries(world, client, n, django_assert_max_num_queries):
    from guidelines import services as guidelines_services

    t = world.a
    admin = t.members["admin"]
    for i in range(n // 4):
        services.member_update(
            actor=t.members["admin"],
            membership=t.members["employee"],
            job_title=f"Job {i}",
        )
        services.department_create(actor=t.members["admin"], name=f"D{i}")
        document = guidelines_services.policy_document_create(
            actor=admin, kind="faq", title=f"FAQ {i}", body_markdown="x"
        )
        guidelines_services.policy_version_publish(actor=admin, version=document.versions.get())
    client.force_login(t.admin)
    with django_assert_max_num_queries(9):
        assert client.get(URL.format(slug=t.org.slug)).status_code == 200
