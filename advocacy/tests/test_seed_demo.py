"""``manage.py seed_demo``: two demo organizations, every role, idempotent, printed logins."""

from __future__ import annotations

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.test import override_settings

from advocacy import demo
from advocacy.demo import DEMO_PASSWORD, SHARED_PERSON_EMAIL
from advocacy.models import (
    AuditLogEntry,
    Department,
    Invitation,
    Membership,
    Organization,
    Role,
    TenantModel,
    User,
)

pytestmark = pytest.mark.django_db


def _seed(*args: str, full: bool = False) -> str:
    """The core demo; ``full`` also runs every app's demo (slow: real sandbox traffic), which
    the idempotency tests below need and each app's own demo test covers in detail."""
    out = StringIO()
    call_command("seed_demo", *args, *(() if full else ("--core-only",)), stdout=out)
    return out.getvalue()


def _row_counts() -> dict[str, int]:
    models = (User, Organization, Department, Membership, Invitation, EmailAddress, AuditLogEntry)
    return {m.__name__: m._default_manager.count() for m in models}


def test_two_organizations_in_their_languages_and_time_zones() -> None:
    _seed("--quiet")
    lt = Organization.objects.get(slug="baltijos-pienas")
    en = Organization.objects.get(slug="northwind")
    assert (lt.name, lt.default_language, lt.time_zone) == (
        "Baltijos Pienas",
        "lt",
        "Europe/Vilnius",
    )
    assert (en.name, en.default_language, en.time_zone) == ("Northwind Labs", "en", "Europe/London")
    for org in (lt, en):
        assert Department.objects.for_org(org).count() >= 4
        members = Membership.objects.for_org(org).select_related("department")
        assert {m.role for m in members} == set(Role.values)
        employees = [m for m in members if m.role == Role.EMPLOYEE]
        per_department = {m.department.name for m in employees}
        assert len(per_department) >= 4, "employees are spread over the departments"
        assert all(m.department is not None and m.job_title for m in members)
    assert Membership.objects.for_org(lt).filter(user__name="Rūta Jankauskaitė").exists()


def test_every_member_has_a_verified_primary_address_and_the_demo_password() -> None:
    _seed("--quiet")
    users = User.objects.filter(memberships__isnull=False).distinct()
    assert users.count() >= 30
    for user in users:
        assert EmailAddress.objects.filter(
            user=user, email=user.email, verified=True, primary=True
        ).exists()
        assert user.check_password(DEMO_PASSWORD)
        validate_password(DEMO_PASSWORD, user)  # what the forms would accept


def test_one_person_belongs_to_both_organizations() -> None:
    _seed("--quiet")
    slugs = set(
        Membership.objects.filter(user__email=SHARED_PERSON_EMAIL).values_list(
            "organization__slug", flat=True
        )
    )
    assert slugs == {"baltijos-pienas", "northwind"}


def test_each_organization_has_pending_invitations() -> None:
    _seed("--quiet")
    for slug in ("baltijos-pienas", "northwind"):
        org = Organization.objects.get(slug=slug)
        pending = [i for i in Invitation.objects.for_org(org) if i.is_pending]
        assert len(pending) >= 2
        assert not User.objects.filter(email__in=[i.email for i in pending]).exists()


def test_running_twice_changes_nothing() -> None:
    first = _seed(full=True)
    counts = _row_counts()
    passwords = dict(User.objects.values_list("email", "password"))
    second = _seed(full=True)
    assert _row_counts() == counts
    assert dict(User.objects.values_list("email", "password")) == passwords
    assert "0 core rows created" in second
    assert first.splitlines()[2:] == second.splitlines()[2:]  # the same logins table


@override_settings(SITE_URL="https://chorus.example.org")
def test_prints_a_table_of_logins_with_password_and_url() -> None:
    out = _seed()
    assert "Organization" in out and "E-mail" in out and "Password" in out
    for email in (
        "ona.kazlauskiene@baltijos-pienas.example",
        "alice.thompson@northwind.example",
        SHARED_PERSON_EMAIL,
    ):
        line = next(line for line in out.splitlines() if email in line)
        assert DEMO_PASSWORD in line
        assert "https://chorus.example.org/" in line
    assert all(str(label) in out for label in Role.labels)


def test_site_url_option_overrides_the_setting() -> None:
    out = _seed("--site-url", "http://127.0.0.1:8765")
    assert "http://127.0.0.1:8765/o/northwind/" in out


def test_quiet_prints_nothing() -> None:
    assert _seed("--quiet") == ""


def test_a_demo_user_can_sign_in(client) -> None:
    _seed("--quiet")
    response = client.post(
        "/accounts/login/",
        {"login": "ben.carter@northwind.example", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/o/northwind/").status_code == 200


def test_project_app_modules_finds_only_this_repositorys_apps() -> None:
    labels = [label for label, _module in demo.project_app_modules("models")]
    assert labels[0] == "advocacy"
    assert "content_library" in labels
    assert not {"auth", "account", "django_celery_beat"} & set(labels)


def _app_rows(app_label: str, org: Organization) -> int:
    """Rows of ``app_label``'s tenant-owned models that belong to ``org``."""
    return sum(
        model._default_manager.filter(organization=org).count()
        for model in apps.get_app_config(app_label).get_models()
        if issubclass(model, TenantModel)
    )


def _seeding_apps() -> list[str]:
    return [label for label, _seed_fn in demo.demo_app_seeders()]


def test_app_demo_seeders_run_once_per_organization_after_the_core() -> None:
    # The real apps' demo modules, not stand-ins: every app that has one seeds both
    # organizations with the members the core created.
    labels = _seeding_apps()
    assert "content_library" in labels
    result = demo.demo_seed(site_url="http://testserver")
    assert sorted(result.organizations) == ["baltijos-pienas", "northwind"]
    for org, members in result.organizations.values():
        assert Membership.objects.for_org(org).count() == len(members)
        assert members.admin.role == Role.ADMIN
        assert members.manager.role == Role.MANAGER
        assert members.hr.role == Role.HR
        assert len(members.employees) >= 10
        assert all(m.organization_id == org.pk for m in members)
        for label in labels:
            assert _app_rows(label, org) > 0, f"{label}'s demo did not seed {org.slug}"
    # Once: a second run adds no app rows.
    before = {
        (label, org.slug): _app_rows(label, org)
        for label in labels
        for org, _m in result.organizations.values()
    }
    demo.demo_seed(site_url="http://testserver")
    after = {
        (label, org.slug): _app_rows(label, org)
        for label in labels
        for org, _m in result.organizations.values()
    }
    assert after == before


def test_rerun_survives_edited_demo_data() -> None:
    _seed("--quiet", full=True)
    org = Organization.objects.get(slug="northwind")
    # A member with no share history (members who shared cannot be deleted, by design).
    removed = (
        Membership.objects.filter(organization=org, role="employee", shares__isnull=True)
        .exclude(external_id="")
        .select_related("user")
        .order_by("-pk")
        .first()
    )
    email, external_id = removed.user.email, removed.external_id
    removed.delete()
    newcomer = User.objects.create_user("newcomer@northwind.example", "x")
    Membership.objects.create(organization=org, user=newcomer, external_id=external_id)
    _seed("--quiet", full=True)
    back = Membership.objects.get(organization=org, user__email=email)
    assert back.external_id == ""
    assert Membership.objects.get(organization=org, user=newcomer).external_id == external_id


def test_core_only_skips_the_apps_demo_data() -> None:
    out = _seed()
    assert "app demo data: none" in out
    for org in Organization.objects.all():
        for label in _seeding_apps():
            assert _app_rows(label, org) == 0, f"{label} seeded {org.slug} with --core-only"
