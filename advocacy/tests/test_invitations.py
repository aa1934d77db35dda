"""Invitations: services, the e-mail through Celery, pages, CSV import and the API."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from advocacy import services
from advocacy.models import AuditLogEntry, Invitation, Role, token_hash
from advocacy.tasks import bulk_invitations_send, invitation_send
from tests.factories import DepartmentFactory, InvitationFactory, MembershipFactory

LINK = re.compile(r"(https?://\S+/invite/([^/\s]+)/)")


@pytest.fixture
def eager_celery(settings):
    """Tasks run in-process, as ``CELERY_TASK_ALWAYS_EAGER`` makes them."""
    from advocacy.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


def _invite(t, email="new.person@example.com", **kw):
    return services.invitation_create(organization=t.org, actor=t.admin, email=email, **kw)


# --- Services ----------------------------------------------------------------------


def test_invitation_create_stores_only_a_digest_and_expires_after_ttl(world, settings):
    settings.INVITATION_TTL_DAYS = 3
    t = world.a
    inv = _invite(t, email=" New.Person@Example.com ", role=Role.MANAGER, department=t.department)
    assert inv.email == "new.person@example.com"
    assert len(inv.token_hash) == 64
    assert timedelta(days=2, hours=23) < inv.expires_at - timezone.now() <= timedelta(days=3)
    entry = AuditLogEntry.objects.for_org(t.org).get(action="invitation.created")
    assert entry.target_id == str(inv.pk) and entry.actor == t.admin
    assert entry.data["email"] == "new.person@example.com"


@pytest.mark.parametrize(
    ("email", "field", "text"),
    [
        ("not-an-address", "email", "not a valid e-mail"),
        ("admin.a@example.com", "email", "Already a member"),
        ("same@example.com", "email", "Already invited"),
    ],
)
def test_invitation_create_refusals(world, email, field, text):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        _invite(world.a, email=email)
    assert text in " ".join(exc.value.message_dict[field])


def test_foreign_department_and_unknown_role_are_refused(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        _invite(world.a, department=world.b.department, role="boss")
    assert set(exc.value.message_dict) == {"department", "role"}
    assert not Invitation.objects.for_org(world.a.org).filter(email="new.person@example.com")


def test_a_deactivated_member_can_be_invited_again(world):
    m = world.a.members["employee"]
    m.is_active = False
    m.save()
    assert _invite(world.a, email=m.user.email).pk


def test_expired_invitation_does_not_block_a_new_one(world):
    t = world.a
    t.invitation.expires_at = timezone.now() - timedelta(days=1)
    t.invitation.save()
    assert _invite(t, email="same@example.com").pk


def test_batch_is_all_or_nothing_with_a_report_per_row(world):
    t = world.a
    rows = [
        services.InvitationRow(email="ok@example.com", line=2),
        services.InvitationRow(email="ok@example.com", line=3),
        services.InvitationRow(email="broken", line=4),
        services.InvitationRow(email="x@example.com", role="chief", line=5),
        services.InvitationRow(email="y@example.com", department_name="Nowhere", line=6),
        services.InvitationRow(email="employee.a@example.com", line=7),
        services.InvitationRow(email="same@example.com", line=8),
        services.InvitationRow(email="z@example.com", department_name="sales", line=9),
    ]
    with pytest.raises(services.InvitationRowsInvalid) as exc:
        services.invitations_create(organization=t.org, actor=t.admin, rows=rows)
    report = {r.row.line: " ".join(r.messages) for r in exc.value.reports}
    assert report[2] == ""
    assert "more than once (first on line 2)" in report[3]
    assert "not a valid e-mail" in report[4]
    assert "Unknown role" in report[5]
    assert "Unknown department" in report[6]
    assert "Already a member" in report[7]
    assert "Already invited" in report[8]
    assert report[9] == ""  # department names match whatever the case
    assert Invitation.objects.for_org(t.org).count() == 1  # only the world's own


def test_revoke_and_resend_write_the_audit_log(world):
    t = world.a
    inv = _invite(t)
    old_expiry = inv.expires_at
    services.invitation_resend(organization=t.org, actor=t.admin, invitation=inv)
    inv.refresh_from_db()
    assert inv.expires_at >= old_expiry
    services.invitation_revoke(organization=t.org, actor=t.admin, invitation=inv)
    inv.refresh_from_db()
    assert inv.revoked_at is not None
    actions = set(AuditLogEntry.objects.for_org(t.org).values_list("action", flat=True))
    assert {"invitation.created", "invitation.resent", "invitation.revoked"} <= actions


# --- The e-mail, through Celery ----------------------------------------------------


def test_invitation_email_is_sent_by_celery_after_commit(
    world, eager_celery, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://chorus.example.org"
    t = world.a
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        inv = _invite(t, name="Rūta")
    assert len(callbacks) == 1
    [message] = mail.outbox
    assert message.to == ["new.person@example.com"]
    assert "Acme" in message.subject
    url, raw = LINK.search(message.body).groups()
    assert url.startswith("https://chorus.example.org/invite/")
    assert "Rūta" in message.body
    inv.refresh_from_db()
    assert inv.token_hash == token_hash(raw)
    assert raw not in inv.token_hash


def test_email_is_written_in_the_organization_language(world, eager_celery):
    from django.utils import translation

    t = world.a
    t.org.default_language = "lt"
    t.org.save()
    inv = _invite(t)
    seen = []
    original = services.render_to_string

    def spy(template, context):
        seen.append(translation.get_language())
        return original(template, context)

    services.render_to_string = spy
    try:
        invitation_send(inv.pk, t.org.pk)
    finally:
        services.render_to_string = original
    assert seen == ["lt", "lt"]
    assert len(mail.outbox) == 1


def test_bulk_send_and_resend_issue_fresh_links(
    world, eager_celery, django_capture_on_commit_callbacks
):
    t = world.a
    rows = [services.InvitationRow(email=f"b{i}@example.com") for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        invitations = services.invitations_create(organization=t.org, actor=t.admin, rows=rows)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "b0@example.com",
        "b1@example.com",
        "b2@example.com",
    ]
    first_raw = LINK.search(mail.outbox[0].body).group(2)
    inv = Invitation.objects.get(token_hash=token_hash(first_raw))
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(organization=t.org, actor=t.admin, invitation=inv)
    second_raw = LINK.search(mail.outbox[-1].body).group(2)
    assert second_raw != first_raw
    assert Invitation.objects.filter(token_hash=token_hash(first_raw)).count() == 0
    assert bulk_invitations_send.name == "advocacy.tasks.bulk_invitations_send"
    assert len(invitations) == 3


def test_task_refuses_a_mismatched_organization_or_a_closed_invitation(world):
    t = world.a
    assert invitation_send(t.invitation.pk, world.b.org.pk) is False
    t.invitation.revoked_at = timezone.now()
    t.invitation.save()
    assert invitation_send(t.invitation.pk, t.org.pk) is False
    assert mail.outbox == []


# --- Pages -------------------------------------------------------------------------


def test_invite_page_invites_several(world, client):
    t = world.a
    client.force_login(t.admin)
    url = f"/o/{t.org.slug}/members/invite/"
    assert client.get(url).status_code == 200
    resp = client.post(
        url,
        {
            "emails": "a1@example.com, a2@example.com\nA3@example.com",
            "role": "manager",
            "department": t.department.pk,
        },
    )
    assert resp.status_code == 302
    created = Invitation.objects.for_org(t.org).filter(
        email__in=["a1@example.com", "a2@example.com", "a3@example.com"]
    )
    assert created.count() == 3
    assert {i.role for i in created} == {"manager"}
    assert {i.department_id for i in created} == {t.department.pk}


def test_invite_page_with_a_bad_address_invites_nobody(world, client):
    t = world.a
    client.force_login(t.admin)
    resp = client.post(
        f"/o/{t.org.slug}/members/invite/",
        {"emails": "good@example.com\nbad@@example\nhr.a@example.com", "role": "employee"},
    )
    assert resp.status_code == 400
    html = resp.content.decode()
    assert "bad@@example" in html and "Already a member" in html
    assert not Invitation.objects.filter(email="good@example.com").exists()


def test_invite_page_refuses_foreign_department(world, client):
    t = world.a
    client.force_login(t.admin)
    resp = client.post(
        f"/o/{t.org.slug}/members/invite/",
        {"emails": "good@example.com", "role": "employee", "department": world.b.department.pk},
    )
    assert resp.status_code == 400
    assert "department" in resp.context["form"].errors


def test_invite_and_import_pages_are_for_admins(world, client):
    t = world.a
    for role in (Role.HR, Role.MANAGER, Role.EMPLOYEE):
        client.force_login(t.user(role))
        assert client.get(f"/o/{t.org.slug}/members/invite/").status_code == 403
        assert client.get(f"/o/{t.org.slug}/members/import/").status_code == 403


def _upload(client, t, content: bytes, name="people.csv"):
    return client.post(
        f"/o/{t.org.slug}/members/import/",
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def test_csv_import_good_file(world, client):
    t = world.a
    DepartmentFactory(organization=t.org, name="Marketing")
    client.force_login(t.admin)
    content = (
        "\ufeffemail;role;department;name\n"
        "ona@example.com;employee;Sales;Ona Ona\n"
        "jonas@example.com;Manager;marketing;\n"
        "\n"
        "kati@example.com;;;Kati\n"
    ).encode()
    resp = _upload(client, t, content)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    invs = {i.email: i for i in Invitation.objects.for_org(t.org)}
    assert invs["ona@example.com"].name == "Ona Ona"
    assert invs["ona@example.com"].department == t.department
    assert invs["jonas@example.com"].role == Role.MANAGER
    assert invs["jonas@example.com"].department.name == "Marketing"
    assert invs["kati@example.com"].role == Role.EMPLOYEE


def test_csv_import_bad_rows_get_a_report_and_nothing_is_imported(world, client):
    t = world.a
    client.force_login(t.admin)
    content = (
        b"email,role,department,name\n"
        b"fine@example.com,employee,Sales,Fine\n"
        b"not-an-email,employee,,\n"
        b"x@example.com,ceo,,\n"
        b"y@example.com,employee,Atlantis,\n"
        b"fine@example.com,employee,,\n"
        b"manager.a@example.com,employee,,\n"
        b"same@example.com,employee,,\n"
    )
    before = Invitation.objects.count()
    resp = _upload(client, t, content)
    assert resp.status_code == 400
    html = resp.content.decode()
    for text in (
        "not a valid e-mail address",
        "Unknown role “ceo”",
        "Unknown department “Atlantis”",
        "Appears more than once (first on line 2)",
        "Already a member",
        "Already invited",
        "6 rows have problems",
    ):
        assert text in html, text
    assert Invitation.objects.count() == before


@pytest.mark.parametrize(
    ("content", "text"),
    [
        (b"", "file is empty"),
        (b"\n\n", "The file is empty"),
        ("email\nrūta@example.com\n".encode("utf-16"), "not UTF-8"),
        ("email,name\nx@example.com,J\xfcri\n".encode("latin-1"), "not UTF-8"),
        (b"name,role\nAna,employee\n", "email"),
        (b"email\n", "no rows"),
    ],
)
def test_csv_import_unreadable_files_get_a_clear_error(world, client, content, text):
    t = world.a
    client.force_login(t.admin)
    resp = _upload(client, t, content)
    assert resp.status_code == 400
    assert text in resp.content.decode()
    assert Invitation.objects.for_org(t.org).count() == 1


@pytest.mark.parametrize("extra", [1, 26])
def test_invitations_page_queries_do_not_grow(world, client, extra, django_assert_max_num_queries):
    t = world.a
    for _ in range(extra):
        InvitationFactory(
            organization=t.org, department=DepartmentFactory(organization=t.org), invited_by=t.admin
        )
    client.force_login(t.admin)
    with django_assert_max_num_queries(7):
        resp = client.get(f"/o/{t.org.slug}/invitations/")
    assert resp.status_code == 200
    assert "same@example.com" in resp.content.decode()


def test_invitations_page_revoke_and_resend(
    world, client, django_capture_on_commit_callbacks, eager_celery
):
    t = world.a
    inv = t.invitation
    client.force_login(t.user(Role.HR))
    resp = client.get(f"/o/{t.org.slug}/invitations/")
    assert resp.status_code == 200 and "Revoke" not in resp.content.decode()
    assert client.post(f"/o/{t.org.slug}/invitations/{inv.pk}/revoke/").status_code == 403
    client.force_login(t.employee)
    assert client.get(f"/o/{t.org.slug}/invitations/").status_code == 403

    client.force_login(t.admin)
    assert client.get(f"/o/{t.org.slug}/invitations/{inv.pk}/resend/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/o/{t.org.slug}/invitations/{inv.pk}/resend/").status_code == 302
    assert mail.outbox[-1].to == ["same@example.com"]
    assert client.post(f"/o/{t.org.slug}/invitations/{inv.pk}/revoke/").status_code == 302
    inv.refresh_from_db()
    assert inv.revoked_at is not None
    assert (
        "<td>same@example.com" not in client.get(f"/o/{t.org.slug}/invitations/").content.decode()
    )
    # Another tenant's invitation: not found, untouched.
    foreign = world.b.invitation
    assert client.post(f"/o/{t.org.slug}/invitations/{foreign.pk}/revoke/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


# --- API ---------------------------------------------------------------------------


def test_api_list_create_bulk_revoke(world, api_client, django_assert_max_num_queries):
    t = world.a
    base = f"/api/v1/orgs/{t.org.slug}/invitations/"
    api_client.force_login(t.admin)
    with django_assert_max_num_queries(5):
        resp = api_client.get(base)
    assert resp.status_code == 200
    assert [i["email"] for i in resp.json()["results"]] == ["same@example.com"]
    assert "token" not in str(resp.json())

    resp = api_client.post(
        base,
        {"email": "api@example.com", "role": "hr", "department": t.department.pk},
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    assert resp.json()["status"] == "pending" and resp.json()["department"]["name"] == "Sales"

    resp = api_client.post(base, {"email": "nope"}, format="json")
    assert resp.status_code == 400 and "email" in resp.json()["errors"]
    resp = api_client.post(
        base, {"email": "x@example.com", "department": world.b.department.pk}, format="json"
    )
    assert resp.status_code == 400 and "department" in resp.json()["errors"]

    resp = api_client.post(
        f"{base}bulk/",
        {
            "invitations": [
                {"email": "b1@example.com"},
                {"email": "b2@example.com", "role": "manager"},
            ]
        },
        format="json",
    )
    assert resp.status_code == 201
    assert [i["email"] for i in resp.json()["invitations"]] == ["b1@example.com", "b2@example.com"]

    resp = api_client.post(
        f"{base}bulk/",
        {"invitations": [{"email": "c1@example.com"}, {"email": "b1@example.com"}]},
        format="json",
    )
    assert resp.status_code == 400
    errors = resp.json()["errors"]["invitations"]
    assert errors[0] == {} and "Already invited" in errors[1]["email"][0]
    assert not Invitation.objects.filter(email="c1@example.com").exists()

    resp = api_client.post(f"{base}{t.invitation.pk}/revoke/")
    assert resp.status_code == 200 and resp.json()["status"] == "revoked"
    assert api_client.post(f"{base}{world.b.invitation.pk}/revoke/").status_code == 404


def test_api_hr_lists_but_cannot_invite(world, api_client):
    t = world.a
    base = f"/api/v1/orgs/{t.org.slug}/invitations/"
    api_client.force_login(t.user(Role.HR))
    assert api_client.get(base).status_code == 200
    assert api_client.post(base, {"email": "x@example.com"}, format="json").status_code == 403
    api_client.force_login(t.employee)
    assert api_client.get(base).status_code == 403


def test_membership_factory_world_sanity(world):
    assert MembershipFactory._meta.model.objects.for_org(world.a.org).count() == 4
