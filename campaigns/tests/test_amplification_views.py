"""The Company pages page (connecting through the networks' OAuth on the sandbox) and the
Amplify page (candidates, filters, the re-share form)."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest
import requests
from django.urls import reverse

from campaigns.models import Amplification, AmplificationState
from social.models import AccountStatus, OrganizationAccount, OrganizationAccountKind, Share

from .amplification_support import (
    ACME,
    publish_member_share,
)

pytestmark = pytest.mark.django_db

_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
_ACTION = re.compile(r'<form method="post" action="([^"]+)">')


def _pages_url(world) -> str:
    return reverse("company_pages", kwargs={"org_slug": world.a.org.slug})


def _connect(client, sandbox, world, kind: str, profile_id: str, decision: str = "approve"):
    """Press "Connect" on Company pages, decide on the sandbox's consent page, come back."""
    start = client.post(
        reverse("company_page_connect", kwargs={"org_slug": world.a.org.slug}), {"kind": kind}
    )
    assert start.status_code == 302, start.content[:300]
    authorize_url = start["Location"]
    assert authorize_url.startswith(sandbox.url)
    page = requests.get(authorize_url, timeout=10)
    assert page.status_code == 200, page.text[:300]
    fields = {n: html.unescape(v) for n, v in _HIDDEN.findall(page.text)}
    action = html.unescape(_ACTION.search(page.text).group(1))  # type: ignore[union-attr]
    answer = requests.post(
        sandbox.url + action,
        data={**fields, "decision": decision, "profile_id": profile_id},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code in (302, 303), answer.text[:300]
    back = urlsplit(answer.headers["Location"])
    assert back.path == reverse("company_page_callback")
    return client.get(f"{back.path}?{back.query}")


def _messages(response) -> list[str]:
    from django.contrib.messages import get_messages

    return [str(m) for m in get_messages(response.wsgi_request)]


def test_an_admin_connects_the_linkedin_page_they_administer(client, sandbox, world):
    client.force_login(world.a.admin)
    response = _connect(client, sandbox, world, "linkedin_page", "sbxAda01")

    assert response.status_code == 302
    assert response["Location"] == _pages_url(world)
    assert _messages(response) == ["Analytical Engines Ltd is connected."]
    page = OrganizationAccount.objects.get(organization=world.a.org)
    assert page.kind == OrganizationAccountKind.LINKEDIN_PAGE
    assert page.external_id == "urn:li:organization:2414185"
    assert set(page.scopes) >= {"w_organization_social", "r_organization_social"}
    assert page.access_token not in page.access_token_encrypted
    listing = client.get(_pages_url(world))
    assert b"Analytical Engines Ltd" in listing.content


def test_an_admin_of_several_pages_picks_the_organizations(client, sandbox, world):
    client.force_login(world.a.admin)
    response = _connect(client, sandbox, world, "linkedin_page", "sbxGrace2")
    choose = reverse("company_page_choose", kwargs={"org_slug": world.a.org.slug})
    assert response["Location"] == choose
    assert not OrganizationAccount.objects.exists()
    # The tokens wait encrypted in the session.
    token_values = [p["token"] for p in client.session["chorus_company_page_choice"]["pages"]]
    assert all(not t.startswith("AQ") for t in token_values)

    page = client.get(choose)
    assert page.status_code == 200
    assert b"Acme Corporation" in page.content and b"COBOL Appreciation Society" in page.content
    bad = client.post(choose, {"page": "urn:li:organization:999"})
    assert bad.status_code == 400
    picked = client.post(choose, {"page": ACME})
    assert picked["Location"] == _pages_url(world)
    account = OrganizationAccount.objects.get(organization=world.a.org)
    assert account.external_id == ACME
    assert "chorus_company_page_choice" not in client.session


def test_an_admin_connects_the_facebook_page(client, sandbox, world):
    client.force_login(world.a.admin)
    response = _connect(client, sandbox, world, "facebook_page", "10000000000000021")
    assert _messages(response) == ["Ada's Analytical Bakery is connected."]
    page = OrganizationAccount.objects.get(organization=world.a.org)
    assert page.kind == OrganizationAccountKind.FACEBOOK_PAGE
    assert page.external_id == "100000000000101"
    token = sandbox.admin("GET", f"tokens/{page.access_token}")
    assert token["kind"] == "page"


def test_someone_without_pages_is_told_and_nothing_is_connected(client, sandbox, world):
    client.force_login(world.a.admin)
    response = _connect(client, sandbox, world, "facebook_page", "10000000000000023")
    assert "do not administer any page" in _messages(response)[0]
    assert not OrganizationAccount.objects.exists()


def test_a_cancelled_authorization_changes_nothing(client, sandbox, world):
    client.force_login(world.a.admin)
    response = _connect(client, sandbox, world, "linkedin_page", "sbxAda01", decision="deny")
    assert response["Location"] == _pages_url(world)
    assert not OrganizationAccount.objects.exists()


def test_a_callback_without_a_known_state_is_refused(client, world):
    client.force_login(world.a.admin)
    response = client.get(reverse("company_page_callback"), {"state": "forged", "code": "x"})
    assert response.status_code == 302
    assert not OrganizationAccount.objects.exists()


def test_the_pages_need_manage_networks(client, world):
    for role, status in (("employee", 403), ("manager", 403), ("hr", 403), ("admin", 200)):
        client.force_login(world.a.user(role))
        assert client.get(_pages_url(world)).status_code == status, role


def test_disconnecting_wipes_the_token(client, sandbox, world, linkedin_page):
    client.force_login(world.a.admin)
    url = reverse(
        "company_page_disconnect",
        kwargs={"org_slug": world.a.org.slug, "company_page_id": linkedin_page.pk},
    )
    assert client.post(url).status_code == 302
    linkedin_page.refresh_from_db()
    assert linkedin_page.status == AccountStatus.DISCONNECTED
    assert linkedin_page.access_token_encrypted == ""
    # Another organization's admin gets a 404 for it.
    client.force_login(world.b.admin)
    foreign = reverse(
        "company_page_disconnect",
        kwargs={"org_slug": world.b.org.slug, "company_page_id": linkedin_page.pk},
    )
    assert client.post(foreign).status_code == 404


def test_the_manager_sees_the_best_posts_and_reshares_one(
    client, sandbox, world, employee_share, linkedin_page, django_assert_max_num_queries
):
    other = publish_member_share(
        sandbox, world.a.members["manager"], title="Quiet news", caption="Less popular"
    )
    Share.objects.filter(pk=employee_share.pk).update(reactions=40, comments=5, impressions=900)
    Share.objects.filter(pk=other.pk).update(reactions=2, impressions=5000)
    client.force_login(world.a.user("manager"))
    url = reverse("amplify_candidates", kwargs={"org_slug": world.a.org.slug})

    with django_assert_max_num_queries(14):
        page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert content.index("Our new plant") < content.index("Quiet news")  # by engagement
    by_impressions = client.get(url, {"ranking": "impressions"}).content.decode()
    assert by_impressions.index("Quiet news") < by_impressions.index("Our new plant")
    assert "Quiet news" not in client.get(url, {"network": "facebook"}).content.decode()

    response = client.post(
        url, {"share": employee_share.pk, "account": linkedin_page.pk, "comment": "Bravo!"}
    )
    assert response.status_code == 302
    amplification = Amplification.objects.get()
    assert (amplification.share, amplification.account) == (employee_share, linkedin_page)
    assert amplification.state == AmplificationState.QUEUED
    assert amplification.created_by == world.a.members["manager"]
    listing = client.get(url).content.decode()
    assert "Re-shared" in listing and 'data-state="queued"' in listing


def test_the_candidates_page_costs_the_same_queries_for_many_posts(
    client, sandbox, world, employee_share, linkedin_page, django_assert_num_queries
):
    client.force_login(world.a.user("manager"))
    url = reverse("amplify_candidates", kwargs={"org_slug": world.a.org.slug})
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(3):
        publish_member_share(sandbox, world.a.members["employee"], title=f"Story {n}")
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)


def test_bad_amplify_input_is_a_400_with_reasons(
    client, sandbox, world, employee_share, linkedin_page
):
    client.force_login(world.a.user("manager"))
    url = reverse("amplify_candidates", kwargs={"org_slug": world.a.org.slug})
    for data in (
        {"share": "abc", "account": linkedin_page.pk},
        {"share": employee_share.pk, "account": 999999},
        {"share": 999999, "account": linkedin_page.pk},
        {"share": employee_share.pk, "account": linkedin_page.pk, "comment": "x" * 3001},
    ):
        response = client.post(url, data)
        assert response.status_code == 400, data
    assert not Amplification.objects.exists()
    client.force_login(world.a.user("employee"))
    assert client.get(url).status_code == 403
