"""The raffles API: managers create, close and draw; members read what they may see; the
seed is in no answer before the draw."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns import raffle_draw
from campaigns.models import CampaignStatus, Raffle

from .factories import CampaignFactory
from .raffle_support import campaign_raffle, members, published_shares

pytestmark = pytest.mark.django_db


def _api(tenant, suffix=""):
    return f"/api/v1/orgs/{tenant.org.slug}/raffles/{suffix}"


def _body(chosen, **changes):
    return {
        "title": "API raffle",
        "prize": "Headphones",
        "campaign": chosen.pk,
        "winners_count": 2,
        "min_shares": 1,
        "closes_at": (timezone.now() + timedelta(days=1)).isoformat(),
        **changes,
    }


def test_a_manager_creates_closes_and_draws_through_the_api(world, api_client):
    campaign = CampaignFactory.create(organization=world.a.org)
    api_client.force_authenticate(world.a.user("manager"))
    created = api_client.post(_api(world.a), _body(campaign), format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    raffle = Raffle.objects.get(pk=data["id"])
    assert data["commitment"] == raffle.commitment and data["seed"] is None
    assert data["public_url"].endswith(f"/raffles/{raffle.public_id}/")
    for member in members(world.a, 3):
        published_shares(member, campaign, 1)
    closed = api_client.post(_api(world.a, f"{raffle.pk}/close/"))
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["seed"] is None
    assert api_client.post(_api(world.a, f"{raffle.pk}/close/")).status_code == 400
    drawn = api_client.post(
        _api(world.a, f"{raffle.pk}/draw/"), {"public_value": "drand 99"}, format="json"
    )
    assert drawn.status_code == 200
    assert drawn.json()["seed"] == raffle.seed and len(drawn.json()["winners"]) == 2
    proof = api_client.get(_api(world.a, f"{raffle.pk}/proof/")).json()
    assert raffle_draw.verify_proof(proof) == []
    assert proof == api_client.get(f"/raffles/{raffle.public_id}/proof.json").json()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"winners_count": 0}, "winners_count"),
        ({"winners_count": "two"}, "winners_count"),
        ({"closes_at": "soon"}, "closes_at"),
        ({"closes_at": "2001-01-01T00:00:00Z"}, "closes_at"),
        ({"campaign": 987654}, "campaign"),
        ({"campaign": None}, "campaign"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_is_a_400_with_the_field(world, api_client, changes, field):
    campaign = CampaignFactory.create(organization=world.a.org)
    api_client.force_authenticate(world.a.user("manager"))
    response = api_client.post(_api(world.a), _body(campaign, **changes), format="json")
    assert response.status_code == 400
    assert field in json.dumps(response.json())


def test_a_foreign_campaign_id_is_a_400(world, api_client):
    foreign = CampaignFactory.create(organization=world.b.org)
    api_client.force_authenticate(world.a.user("manager"))
    response = api_client.post(_api(world.a), _body(foreign), format="json")
    assert response.status_code == 400


def test_drawing_an_open_raffle_or_a_too_long_value_is_a_400(world, api_client):
    raffle = campaign_raffle(world.a)
    api_client.force_authenticate(world.a.user("manager"))
    assert api_client.post(_api(world.a, f"{raffle.pk}/draw/")).status_code == 400
    api_client.post(_api(world.a, f"{raffle.pk}/close/"))
    long = api_client.post(
        _api(world.a, f"{raffle.pk}/draw/"), {"public_value": "x" * 201}, format="json"
    )
    assert long.status_code == 400


@pytest.mark.parametrize("role", ["employee", "hr"])
def test_members_read_but_do_not_write(world, api_client, role):
    raffle = campaign_raffle(world.a)
    campaign = CampaignFactory.create(organization=world.a.org)
    api_client.force_authenticate(world.a.user(role))
    assert api_client.post(_api(world.a), _body(campaign), format="json").status_code == 403
    assert api_client.post(_api(world.a, f"{raffle.pk}/close/")).status_code == 403
    assert api_client.post(_api(world.a, f"{raffle.pk}/draw/")).status_code == 403
    listed = api_client.get(_api(world.a))
    assert [r["id"] for r in listed.json()["results"]] == [raffle.pk]
    detail = api_client.get(_api(world.a, f"{raffle.pk}/")).json()
    assert detail["seed"] is None
    assert detail["me"]["eligible"] is False and len(detail["me"]["pseudonym"]) == 16
    assert raffle.seed not in json.dumps(detail)
    assert raffle.seed not in api_client.get(_api(world.a, f"{raffle.pk}/proof/")).content.decode()


def test_employees_do_not_see_raffles_of_unlaunched_campaigns(world, api_client):
    draft = CampaignFactory.create(organization=world.a.org, status=CampaignStatus.DRAFT)
    hidden = campaign_raffle(world.a, campaign=draft)
    api_client.force_authenticate(world.a.employee)
    assert api_client.get(_api(world.a)).json()["results"] == []
    assert api_client.get(_api(world.a, f"{hidden.pk}/")).status_code == 404
    assert api_client.get(_api(world.a, f"{hidden.pk}/proof/")).status_code == 404


def test_the_list_costs_a_bounded_number_of_queries(
    world, api_client, django_assert_max_num_queries
):
    for _ in range(3):
        raffle = campaign_raffle(world.a)
        api_client.force_authenticate(world.a.user("manager"))
        api_client.post(_api(world.a, f"{raffle.pk}/close/"))
        api_client.post(_api(world.a, f"{raffle.pk}/draw/"))
    for _ in range(3):
        campaign_raffle(world.a)
    with django_assert_max_num_queries(14):
        response = api_client.get(_api(world.a))
    assert len(response.json()["results"]) == 6
