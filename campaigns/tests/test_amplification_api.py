"""The amplification API: company pages (list, disconnect), candidates, amplifications (list,
create, retrieve): roles, tenants, bad input and query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campaigns.models import Amplification
from social.models import AccountStatus, Share

from .amplification_support import (
    ACME,
    publish_member_share,
)

pytestmark = pytest.mark.django_db


def _url(world, name: str, tenant: str = "a", **kwargs) -> str:
    org = getattr(world, tenant).org
    return reverse(name, kwargs={"org_slug": org.slug, **kwargs})


def test_company_pages_list_and_disconnect_for_admins(api_client, sandbox, world, linkedin_page):
    api_client.force_authenticate(world.a.admin)
    listed = api_client.get(_url(world, "api_company_pages"))
    assert listed.status_code == 200
    [page] = listed.json()
    assert page["external_id"] == ACME and page["status"] == "connected"
    assert "token" not in str(page).lower().replace("token_expires_at", "")
    gone = api_client.post(
        _url(world, "api_company_page_disconnect", company_page_id=linkedin_page.pk)
    )
    assert gone.status_code == 200 and gone.json()["status"] == AccountStatus.DISCONNECTED
    api_client.force_authenticate(world.a.user("manager"))
    assert api_client.get(_url(world, "api_company_pages")).status_code == 403
    api_client.force_authenticate(world.b.admin)
    foreign = _url(world, "api_company_page_disconnect", "b", company_page_id=linkedin_page.pk)
    assert api_client.post(foreign).status_code == 404


def test_candidates_are_ranked_and_filtered(
    api_client, sandbox, world, employee_share, linkedin_page, django_assert_max_num_queries
):
    other = publish_member_share(sandbox, world.a.members["manager"], title="Other")
    Share.objects.filter(pk=employee_share.pk).update(reactions=10, impressions=10)
    Share.objects.filter(pk=other.pk).update(reactions=1, impressions=1000)
    api_client.force_authenticate(world.a.user("manager"))
    url = _url(world, "api_amplification_candidates")
    with django_assert_max_num_queries(8):
        by_engagement = api_client.get(url).json()
    assert [c["share"] for c in by_engagement] == [employee_share.pk, other.pk]
    assert by_engagement[0]["score"] == 10 and by_engagement[0]["amplified"] is False
    by_impressions = api_client.get(url, {"ranking": "impressions"}).json()
    assert [c["share"] for c in by_impressions] == [other.pk, employee_share.pk]
    assert api_client.get(url, {"network": "facebook"}).json() == []
    for bad in ({"ranking": "loudest"}, {"period": "forever"}, {"campaign": "x"}, {"campaign": 99}):
        assert api_client.get(url, bad).status_code == 400, bad
    api_client.force_authenticate(world.a.user("employee"))
    assert api_client.get(url).status_code == 403


def test_create_list_and_retrieve_amplifications(
    api_client, sandbox, world, employee_share, linkedin_page, django_assert_max_num_queries
):
    api_client.force_authenticate(world.a.user("manager"))
    url = _url(world, "api_amplifications")
    created = api_client.post(
        url,
        {"share": employee_share.pk, "account": linkedin_page.pk, "comment": "Bravo"},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "queued" and body["comment"] == "Bravo"
    again = api_client.post(
        url, {"share": employee_share.pk, "account": linkedin_page.pk}, format="json"
    )
    assert again.status_code == 400
    assert "already re-shared" in str(again.json())
    with django_assert_max_num_queries(6):
        listed = api_client.get(url)
    assert [a["id"] for a in listed.json()["results"]] == [body["id"]]
    detail = api_client.get(_url(world, "api_amplification_detail", amplification_id=body["id"]))
    assert detail.json()["share"] == employee_share.pk
    # Another tenant: 404 for the object, its own empty list.
    api_client.force_authenticate(world.b.user("manager"))
    foreign = _url(world, "api_amplification_detail", "b", amplification_id=body["id"])
    assert api_client.get(foreign).status_code == 404
    assert api_client.get(_url(world, "api_amplifications", "b")).json()["results"] == []


def test_bad_create_input_is_a_400(api_client, sandbox, world, employee_share, linkedin_page):
    api_client.force_authenticate(world.a.user("manager"))
    url = _url(world, "api_amplifications")
    for data in (
        {},
        {"share": "x", "account": linkedin_page.pk},
        {"share": employee_share.pk, "account": 2**40},
        {"share": employee_share.pk, "account": 999999},
        {"share": 999999, "account": linkedin_page.pk},
        {"share": employee_share.pk, "account": linkedin_page.pk, "comment": "x" * 3001},
    ):
        assert api_client.post(url, data, format="json").status_code == 400, data
    assert not Amplification.objects.exists()
    api_client.force_authenticate(world.a.user("employee"))
    assert (
        api_client.post(
            url, {"share": employee_share.pk, "account": linkedin_page.pk}, format="json"
        ).status_code
        == 403
    )
