"""Raffle pages: the managers' pages in the organization and the public page anyone opens."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns import raffle_draw
from campaigns.models import Raffle, RaffleStatus
from campaigns.services import raffles as services

from .factories import CampaignFactory
from .raffle_support import campaign_raffle, members, published_shares

pytestmark = pytest.mark.django_db


def _url(tenant, suffix=""):
    return f"/o/{tenant.org.slug}/raffles/{suffix}"


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_managers_list_raffles_in_a_bounded_number_of_queries(
    world, client, django_assert_max_num_queries
):
    for _ in range(5):
        campaign_raffle(world.a)
    client.force_login(world.a.user("manager"))
    with django_assert_max_num_queries(12):
        page = client.get(_url(world.a))
    assert page.status_code == 200
    assert page.content.decode().count("data-raffle-id=") == 5


@pytest.mark.parametrize("role", ["employee", "hr"])
def test_the_raffle_pages_are_for_managers(world, client, role):
    raffle = campaign_raffle(world.a)
    client.force_login(world.a.user(role))
    assert client.get(_url(world.a)).status_code == 403
    assert client.get(_url(world.a, "new/")).status_code == 403
    assert client.get(_url(world.a, f"{raffle.pk}/")).status_code == 403
    assert client.post(_url(world.a, f"{raffle.pk}/close/")).status_code == 403


def test_a_manager_creates_a_raffle_for_a_campaign(world, client):
    campaign = CampaignFactory.create(organization=world.a.org, name="Spring launch")
    client.force_login(world.a.user("manager"))
    form = client.get(_url(world.a, "new/"))
    assert form.status_code == 200 and "Spring launch" in form.content.decode()
    response = client.post(
        _url(world.a, "new/"),
        {
            "title": "Spring raffle",
            "prize": "A bike",
            "campaign": campaign.pk,
            "winners_count": 2,
            "min_shares": 1,
            "closes_at": _local(timezone.now() + timedelta(days=2)),
        },
    )
    raffle = Raffle.objects.get(organization=world.a.org, title="Spring raffle")
    assert response.status_code == 302
    assert response["Location"] == _url(world.a, f"{raffle.pk}/")
    detail = client.get(response["Location"]).content.decode()
    assert raffle.commitment in detail
    assert raffle.seed not in detail
    assert raffle.pseudonym_key not in detail
    assert f"/raffles/{raffle.public_id}/" in detail


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"winners_count": 0}, "winners_count"),
        ({"winners_count": "many"}, "winners_count"),
        ({"closes_at": "yesterday"}, "closes_at"),
        ({"campaign": ""}, "campaign"),
        ({"campaign": 999999}, "campaign"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_is_a_form_error_not_a_500(world, client, data, field):
    campaign = CampaignFactory.create(organization=world.a.org)
    client.force_login(world.a.user("manager"))
    post = {
        "title": "R",
        "prize": "P",
        "campaign": campaign.pk,
        "winners_count": 1,
        "min_shares": 1,
        "closes_at": _local(timezone.now() + timedelta(days=2)),
        **data,
    }
    response = client.post(_url(world.a, "new/"), post)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Raffle.objects.filter(organization=world.a.org).exists()


def test_another_organizations_campaign_cannot_be_chosen(world, client):
    foreign = CampaignFactory.create(organization=world.b.org)
    client.force_login(world.a.user("manager"))
    response = client.post(
        _url(world.a, "new/"),
        {
            "title": "R",
            "prize": "P",
            "campaign": foreign.pk,
            "winners_count": 1,
            "min_shares": 1,
            "closes_at": _local(timezone.now() + timedelta(days=2)),
        },
    )
    assert response.status_code == 400
    assert "campaign" in response.context["form"].errors


def test_close_then_draw_from_the_detail_page(world, client):
    campaign = CampaignFactory.create(organization=world.a.org)
    raffle = campaign_raffle(world.a, campaign=campaign, winners_count=1)
    entrants = members(world.a, 3)
    for member in entrants:
        published_shares(member, campaign, 1)
    client.force_login(world.a.user("manager"))
    closed = client.post(_url(world.a, f"{raffle.pk}/close/"), follow=True)
    assert "3 entries frozen" in closed.content.decode()
    again = client.post(_url(world.a, f"{raffle.pk}/close/"), follow=True)
    assert "already closed" in again.content.decode()
    too_long = client.post(_url(world.a, f"{raffle.pk}/draw/"), {"public_value": "9" * 201})
    assert too_long.status_code == 400
    assert "public_value" in too_long.context["draw_form"].errors
    raffle.refresh_from_db()
    assert raffle.status == RaffleStatus.CLOSED
    drawn = client.post(
        _url(world.a, f"{raffle.pk}/draw/"), {"public_value": "EuroJackpot 5 12 19"}, follow=True
    )
    page = drawn.content.decode()
    raffle.refresh_from_db()
    assert raffle.status == RaffleStatus.DRAWN
    assert raffle.seed in page
    winner = raffle.winners.get().entry.membership.user
    assert winner.name in page


def test_the_public_page_needs_no_sign_in_and_hides_the_seed_until_the_draw(world, client):
    campaign = CampaignFactory.create(organization=world.a.org)
    raffle = campaign_raffle(world.a, campaign=campaign, title="Public raffle")
    member = members(world.a, 1)[0]
    published_shares(member, campaign, 1)
    page = client.get(f"/raffles/{raffle.public_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Public raffle" in html and raffle.commitment in html
    assert raffle.seed not in html and "Secret until the draw" in html
    proof = client.get(f"/raffles/{raffle.public_id}/proof.json").json()
    assert proof["seed"] is None and proof["entries"] is None
    assert raffle.seed not in json.dumps(proof)
    manager = world.a.members["manager"]
    services.raffle_close(actor=manager, raffle=raffle)
    html = client.get(f"/raffles/{raffle.public_id}/").content.decode()
    assert raffle.seed not in html
    pseudonym = services.raffle_pseudonym(raffle, member.pk)
    assert pseudonym in html
    assert member.user.name not in html and member.user.email not in html
    services.raffle_draw_winners(actor=manager, raffle=raffle, public_value="beacon 7")
    html = client.get(f"/raffles/{raffle.public_id}/").content.decode()
    assert raffle.seed in html and "beacon 7" in html
    proof = client.get(f"/raffles/{raffle.public_id}/proof.json").json()
    assert proof["winners"] == [pseudonym]
    assert raffle_draw.verify_proof(proof) == []


def test_a_drawn_raffle_without_entrants_says_why(world, client):
    raffle = campaign_raffle(world.a)
    services.raffle_close(actor=world.a.members["manager"], raffle=raffle)
    services.raffle_draw_winners(actor=world.a.members["manager"], raffle=raffle)
    html = client.get(f"/raffles/{raffle.public_id}/").content.decode()
    assert "Nobody met the conditions" in html


def test_unknown_public_ids_are_404_and_the_script_is_served(world, client):
    assert client.get("/raffles/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/raffles/00000000-0000-0000-0000-000000000000/proof.json").status_code == 404
    assert client.get("/raffles/not-a-uuid/").status_code == 404
    assert client.post(f"/raffles/{campaign_raffle(world.a).public_id}/").status_code == 405
    script = client.get("/raffles/raffle_verify.py")
    assert script.status_code == 200
    assert b"def draw_winners" in script.content


def test_the_employee_campaign_include_shows_standing_and_pseudonym(world, client):
    from django.template.loader import render_to_string

    from campaigns.selectors.raffles import campaign_raffle_standings

    campaign = CampaignFactory.create(organization=world.a.org)
    raffle = campaign_raffle(world.a, campaign=campaign, min_shares=2)
    me = world.a.members["employee"]
    published_shares(me, campaign, 1)
    html = render_to_string(
        "campaigns/raffles/_campaign_raffle.html",
        {"raffle_standings": campaign_raffle_standings(campaign=campaign, membership=me)},
    )
    assert raffle.prize in html
    assert "1 more time to enter" in html
    assert services.raffle_pseudonym(raffle, me.pk) in html
    assert raffle.seed not in html
