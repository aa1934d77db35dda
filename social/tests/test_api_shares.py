"""The shares API under /api/v1/orgs/<slug>/shares/: status codes, the error format,
foreign ids in bodies, scopes and query counts."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from advocacy.models import Role
from content_library.tests.factories import ApprovedItemFactory
from social.models import ClickEvent, MetricSnapshot, Share, ShareState, TrackedLink
from social.tests.factories import NetworkAccountFactory, ShareFactory

from .shares_support import accept_policy, account, banned_term_rule, link_item, publish_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def employee(world):
    return world.a.members[Role.EMPLOYEE]


@pytest.fixture
def ready(world, employee, api_client):
    accept_policy(employee, publish_policy(world.a.org, world.a.admin))
    api_client.force_authenticate(employee.user)
    return {"item": link_item(world.a.org), "linkedin": account(employee, "linkedin")}


def _base(org):
    return f"/api/v1/orgs/{org.slug}/shares/"


def test_create_list_retrieve(api_client, world, employee, ready):
    resp = api_client.post(
        _base(world.a.org),
        {
            "item": ready["item"].pk,
            "targets": [
                {"account": ready["linkedin"].pk, "caption": "My words"},
                {"network": "x"},
            ],
        },
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    results = resp.json()["results"]
    assert [r["network"] for r in results] == ["linkedin", "x"]
    li, x = results
    assert li["state"] == "queued" and li["caption"] == "My words" and "/s/" in li["tracked_url"]
    assert li["dialog_url"] == ""
    assert x["method"] == "dialog" and x["caption"] == "Ovens go electric"  # the suggestion
    assert x["dialog_url"].startswith("https://x.com/intent/post?")
    listed = api_client.get(_base(world.a.org)).json()
    assert [r["id"] for r in listed["results"]] == [x["id"], li["id"]]
    detail = api_client.get(f"{_base(world.a.org)}{li['id']}/").json()
    assert detail["attempts"] == 0 and detail["post_id"] == "" and detail["permalink"] is None


def test_schedule_suggested_and_cancel(api_client, world, ready):
    resp = api_client.post(
        _base(world.a.org),
        {
            "item": ready["item"].pk,
            "targets": [{"account": ready["linkedin"].pk}],
            "scheduled_at": "suggested",
        },
        format="json",
    )
    assert resp.status_code == 201
    share = resp.json()["results"][0]
    assert share["state"] == "scheduled" and share["scheduled_at"]
    resp = api_client.post(f"{_base(world.a.org)}{share['id']}/cancel/")
    assert resp.status_code == 200 and resp.json()["state"] == "cancelled"
    again = api_client.post(f"{_base(world.a.org)}{share['id']}/cancel/")
    assert again.status_code == 400
    assert again.json()["code"] == "invalid" and "state" in again.json()["errors"]


def test_all_networks(api_client, world, ready):
    resp = api_client.post(
        _base(world.a.org), {"item": ready["item"].pk, "all_networks": True}, format="json"
    )
    assert resp.status_code == 201
    assert {r["network"] for r in resp.json()["results"]} == {"linkedin", "facebook", "x"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"targets": [{"network": "x"}]}, "item"),
        ({"item": "foreign", "targets": [{"network": "x"}]}, "item"),
        ({"item": "ok", "targets": [{"account": "foreign"}]}, "targets"),
        ({"item": "ok", "targets": [{"account": "colleague"}]}, "targets"),
        ({"item": "ok", "targets": []}, "targets"),
        ({"item": "ok", "targets": [{"network": "linkedin"}]}, "targets"),
        ({"item": "ok", "targets": [{}]}, "targets"),
        ({"item": "ok", "targets": [{"network": "x"}], "scheduled_at": "tomorrow"}, "scheduled_at"),
        (
            {"item": "ok", "targets": [{"network": "x"}], "scheduled_at": "2030-01-01T09:00:00"},
            "scheduled_at",
        ),
    ],
)
def test_create_400s(api_client, world, ready, body, field):
    body = dict(body)
    if body.get("item") == "ok":
        body["item"] = ready["item"].pk
    elif body.get("item") == "foreign":
        body["item"] = link_item(world.b.org).pk
    for target in body.get("targets", []):
        if target.get("account") == "foreign":
            target["account"] = NetworkAccountFactory.create(user=world.b.employee).pk
        elif target.get("account") == "colleague":
            target["account"] = NetworkAccountFactory.create(user=world.a.admin).pk
    resp = api_client.post(_base(world.a.org), body, format="json")
    assert resp.status_code == 400, resp.json()
    data = resp.json()
    assert data["code"] == "invalid" and data["status"] == 400
    assert field in data["errors"], data
    assert not Share.objects.exists()


def test_service_refusals_are_400_with_the_message(api_client, world, ready):
    banned_term_rule(world.a.org, world.a.admin, "secret")
    resp = api_client.post(
        _base(world.a.org),
        {
            "item": ready["item"].pk,
            "targets": [{"account": ready["linkedin"].pk, "caption": "secret"}],
        },
        format="json",
    )
    assert resp.status_code == 400
    assert resp.json()["errors"]["caption"][0].startswith("LinkedIn:")


def test_policy_first(api_client, world, employee):
    publish_policy(world.a.org, world.a.admin)
    item = link_item(world.a.org)
    api_client.force_authenticate(employee.user)
    resp = api_client.post(
        _base(world.a.org), {"item": item.pk, "targets": [{"network": "x"}]}, format="json"
    )
    assert resp.status_code == 400
    assert "read and accept" in resp.json()["errors"]["policy"][0]


def test_retry_and_confirm_dialog(api_client, world, employee, ready):
    share = ShareFactory.create(
        membership=employee,
        item=ready["item"],
        account=ready["linkedin"],
        state=ShareState.FAILED,
        error_message="Rejected",
    )
    resp = api_client.post(f"{_base(world.a.org)}{share.pk}/retry/", {"caption": "Fixed"})
    assert resp.status_code == 200, resp.json()
    assert resp.json()["state"] == "queued" and resp.json()["caption"] == "Fixed"
    created = api_client.post(
        _base(world.a.org),
        {"item": ready["item"].pk, "targets": [{"network": "facebook"}]},
        format="json",
    ).json()["results"][0]
    resp = api_client.post(f"{_base(world.a.org)}{created['id']}/confirm-dialog/")
    assert resp.status_code == 200 and resp.json()["state"] == "published"


def test_clicks_and_metrics(api_client, world, employee, ready):
    share = ShareFactory.create(
        membership=employee, item=ready["item"], account=ready["linkedin"], state="published"
    )
    link = TrackedLink.objects.create(
        organization=world.a.org, share=share, item=share.item, code="zz9", target_url="https://x"
    )
    for is_bot in (False, True, True):
        ClickEvent.objects.create(
            organization=world.a.org,
            event_id=uuid.uuid4(),
            link=link,
            share=share,
            occurred_at=timezone.now(),
            is_bot=is_bot,
        )
    MetricSnapshot.objects.create(organization=world.a.org, share=share, impressions=10)
    clicks = api_client.get(f"{_base(world.a.org)}{share.pk}/clicks/").json()
    assert clicks["results"] == [{"day": timezone.now().date().isoformat(), "human": 1, "bot": 2}]
    assert api_client.get(f"{_base(world.a.org)}{share.pk}/clicks/?days=0").status_code == 400
    metrics = api_client.get(f"{_base(world.a.org)}{share.pk}/metrics/").json()
    assert metrics["results"][0]["impressions"] == 10
    assert metrics["results"][0]["reach"] is None


def test_scopes(api_client, world, employee, ready):
    ShareFactory.create(membership=employee, item=ready["item"], account=ready["linkedin"])
    theirs = ShareFactory.create(membership=world.a.members[Role.ADMIN])
    assert len(api_client.get(_base(world.a.org)).json()["results"]) == 1
    resp = api_client.get(_base(world.a.org) + "?scope=org")
    assert resp.status_code == 403
    assert api_client.get(f"{_base(world.a.org)}{theirs.pk}/").status_code == 404
    api_client.force_authenticate(world.a.members[Role.MANAGER].user)
    assert len(api_client.get(_base(world.a.org) + "?scope=org").json()["results"]) == 2
    assert api_client.get(f"{_base(world.a.org)}{theirs.pk}/").status_code == 200
    # Reading is not acting: a manager cannot retry or cancel a colleague's share.
    assert api_client.post(f"{_base(world.a.org)}{theirs.pk}/cancel/").status_code == 404
    assert api_client.get(_base(world.a.org) + "?scope=all").status_code == 400
    assert api_client.get(_base(world.a.org) + "?state=nope").status_code == 400


def test_list_query_count_is_constant(
    api_client, world, employee, ready, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            ShareFactory.create(
                membership=employee,
                item=ApprovedItemFactory.create(
                    organization=world.a.org, url=f"https://e.com/{uuid.uuid4()}"
                ),
                account=NetworkAccountFactory.create(user=employee.user),
                state=ShareState.SCHEDULED,
                scheduled_at=timezone.now() + timedelta(hours=i + 1),
            )

    add(3)
    with django_assert_max_num_queries(10) as few:
        assert api_client.get(_base(world.a.org)).status_code == 200
    add(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        resp = api_client.get(_base(world.a.org))
    assert len(resp.json()["results"]) == 33


def test_suggested_time(api_client, world, ready):
    resp = api_client.get(f"{_base(world.a.org)}suggested-time/")
    assert resp.status_code == 200
    assert resp.json()["time_zone"] == "UTC"


def test_other_tenant_is_404(api_client, world, employee, ready):
    share = ShareFactory.create(membership=employee, item=ready["item"], account=ready["linkedin"])
    api_client.force_authenticate(world.b.employee)
    assert api_client.get(f"/api/v1/orgs/{world.b.org.slug}/shares/{share.pk}/").status_code == 404
    assert api_client.get(_base(world.a.org)).status_code == 404
