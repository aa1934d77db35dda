"""The UI shell: organization switcher, navigation, language switcher, account links,
the profile page and the organization home per role."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from advocacy.models import Role
from tests.factories import MembershipFactory, OrganizationFactory


def _home(client, tenant, role):
    client.force_login(tenant.user(role))
    return client.get(f"/o/{tenant.org.slug}/")


# --- Shell -------------------------------------------------------------------------


def test_shell_has_landmarks_skip_link_and_account_links(client, world):
    html = _home(client, world.a, Role.EMPLOYEE).content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<header class="topbar">' in html and '<main id="main"' in html
    assert 'aria-label="Main"' in html
    for url in ("/account/", "/accounts/password/change/", "/account/api-tokens/"):
        assert f'href="{url}"' in html
    assert 'action="/accounts/logout/"' in html
    assert 'name="viewport"' in html


def test_navigation_follows_the_role_and_marks_the_current_page(client, world):
    html = _home(client, world.a, Role.EMPLOYEE).content.decode()
    match = re.search(r'<nav class="mainnav".*?</nav>', html, re.S)
    assert match
    nav = match.group(0)
    assert f'href="/o/{world.a.org.slug}/" aria-current="page"' in nav
    assert "Audit log" not in nav and "Members" not in nav


def test_org_switcher_lists_the_users_other_organizations(client, world):
    user = world.a.employee
    other = OrganizationFactory(slug="nordic", name="Nordic Ltd")
    MembershipFactory(organization=other, user=user, role=Role.MANAGER)
    html = _home(client, world.a, Role.EMPLOYEE).content.decode()
    match = re.search(r'<details class="menu org-switcher">.*?</details>', html, re.S)
    assert match
    switcher = match.group(0)
    assert 'href="/o/nordic/"' in switcher and "Nordic Ltd" in switcher
    assert f'href="/o/{world.a.org.slug}/" aria-current="true"' in switcher
    # Tenant B, where the user is not a member, is never offered.
    assert f'href="/o/{world.b.org.slug}/"' not in html


def test_no_switcher_with_a_single_organization(client, world):
    html = _home(client, world.a, Role.EMPLOYEE).content.decode()
    assert "org-switcher" not in html
    assert '<span class="org-name">Acme</span>' in html


def test_language_switcher_offers_the_four_languages_by_their_own_names(client, world):
    html = _home(client, world.a, Role.EMPLOYEE).content.decode()
    for code, name in (("en", "English"), ("lt", "Lietuvių"), ("et", "Eesti"), ("ru", "Русский")):
        assert f'value="{code}" lang="{code}"' in html
        assert name in html


def test_org_home_query_count(client, world, django_assert_max_num_queries):
    client.force_login(world.a.admin)
    with django_assert_max_num_queries(8):
        resp = client.get(f"/o/{world.a.org.slug}/")
    assert resp.status_code == 200


# --- Language switch ------------------------------------------------------------------


def test_switching_language_saves_it_on_the_user_and_in_a_cookie(client, world):
    user = world.a.employee
    client.force_login(user)
    next_url = f"/o/{world.a.org.slug}/"
    resp = client.post("/account/language/", {"language": "lt", "next": next_url})
    assert resp.status_code == 302
    assert resp["Location"] == next_url
    assert resp.cookies[settings.LANGUAGE_COOKIE_NAME].value == "lt"
    user.refresh_from_db()
    assert user.language == "lt"
    html = client.get(next_url).content.decode()
    assert '<html lang="lt">' in html


def test_saved_language_follows_the_user_to_another_browser(client, world):
    user = world.a.employee
    user.language = "et"
    user.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    client.force_login(user)
    html = client.get(f"/o/{world.a.org.slug}/").content.decode()
    assert '<html lang="et">' in html


def test_anonymous_visitors_switch_with_a_cookie(client, db):
    resp = client.post("/account/language/", {"language": "ru", "next": "/accounts/login/"})
    assert resp["Location"] == "/accounts/login/"
    assert resp.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    assert '<html lang="ru">' in client.get("/accounts/login/").content.decode()


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_language_switch_never_redirects_off_site(client, db, next_url):
    resp = client.post("/account/language/", {"language": "et", "next": next_url})
    assert resp.status_code == 302
    assert resp["Location"] == "/"


def test_language_switch_ignores_unknown_languages_and_get(client, world):
    client.force_login(world.a.employee)
    resp = client.post("/account/language/", {"language": "xx", "next": "/"})
    assert resp.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in resp.cookies
    world.a.employee.refresh_from_db()
    assert world.a.employee.language == ""
    assert client.get("/account/language/").status_code == 405


# --- Profile -------------------------------------------------------------------------------


def test_profile_updates_name_and_language(client, world):
    user = world.a.employee
    client.force_login(user)
    assert client.get("/account/").status_code == 200
    resp = client.post("/account/", {"name": "Jonas Jonaitis", "language": "lt"})
    assert resp.status_code == 302
    user.refresh_from_db()
    assert (user.name, user.language) == ("Jonas Jonaitis", "lt")
    assert resp.cookies[settings.LANGUAGE_COOKIE_NAME].value == "lt"


def test_profile_refuses_an_unknown_language(client, world):
    client.force_login(world.a.employee)
    resp = client.post("/account/", {"name": "X", "language": "xx"})
    assert resp.status_code == 200
    assert "language" in resp.context["form"].errors


# --- Organization home per role ------------------------------------------------------------


def test_employee_home_shows_role_department_and_a_welcome(client, world):
    html = _home(client, world.a, Role.EMPLOYEE).content.decode()
    assert 'data-testid="employee-home"' in html
    assert "Employee" in html and "Sales" in html
    assert "Welcome, Employee" in html
    assert 'data-testid="manager-home"' not in html


def test_admin_home_has_shortcuts_only_to_pages_that_exist(client, world):
    from django.urls import NoReverseMatch, reverse

    resp = _home(client, world.a, Role.ADMIN)
    html = resp.content.decode()
    assert 'data-testid="manager-home"' in html
    assert 'data-testid="employee-home"' not in html
    for name in ("members_list", "members_invite", "departments_list", "audit_log"):
        try:
            url = reverse(name, kwargs={"org_slug": world.a.org.slug})
        except NoReverseMatch:
            continue
        assert f'href="{url}"' in html
    assert all(s["url"].startswith(f"/o/{world.a.org.slug}/") for s in resp.context["shortcuts"])


def test_hr_sees_members_but_not_administration(client, world):
    resp = _home(client, world.a, Role.HR)
    labels = {str(s["label"]) for s in resp.context["shortcuts"]}
    assert "Audit log" not in labels and "Departments" not in labels
    assert "Invite people" not in labels


def test_manager_home_is_not_the_employee_home(client, world):
    html = _home(client, world.a, Role.MANAGER).content.decode()
    assert 'data-testid="manager-home"' in html


def test_admin_navigation_groups_management_pages_into_menus(client, world):
    html = _home(client, world.a, Role.ADMIN).content.decode()
    match = re.search(r'<nav class="mainnav".*?</nav>', html, re.S)
    assert match
    nav = match.group(0)
    menus = re.findall(
        r'<details class="menu navmenu"><summary[^>]*>(.*?)</summary>(.*?)</details>', nav, re.S
    )
    labels = dict(menus)
    assert set(labels) >= {"People", "Settings"}
    assert 'href="/o/acme/members/"' in labels["People"]
    assert 'href="/o/acme/audit-log/"' in labels["Settings"]


def test_open_menu_is_marked_active_on_a_page_it_holds(client, world):
    client.force_login(world.a.admin)
    html = client.get(f"/o/{world.a.org.slug}/members/").content.decode()
    assert '<summary class="active">People</summary>' in html
    assert f'href="/o/{world.a.org.slug}/members/" aria-current="page"' in html
