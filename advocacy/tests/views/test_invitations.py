"""Invitation pages: invite, CSV import, the list, revoke and resend."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from advocacy.models import Invitation, Role
from advocacy.tasks import invitations_expire
from tests.factories import DepartmentFactory, InvitationFactory


@pytest.fixture
def eager_celery(settings):
    """Tasks run in-process, as ``CELERY_TASK_ALWAYS_EAGER`` makes them."""
    from advocacy.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


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


def test_invitations_page_shows_expired_invitations(world, client):
    t = world.a
    t.invitation.expires_at = timezone.now() - timedelta(days=1)
    t.invitation.save()
    invitations_expire()
    client.force_login(t.admin)
    html = client.get(f"/o/{t.org.slug}/invitations/").content.decode()
    assert "same@example.com" in html
    assert "Expired on" in html and "Pending until" not in html
