"""Raffle services: commit at creation, freeze at the close, reveal at the draw."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from advocacy.models import AuditLogEntry
from campaigns import raffle_draw
from campaigns.models import CampaignStatus, RaffleEntry, RaffleStatus, RaffleWinner
from campaigns.selectors import raffles as sel
from campaigns.services import raffles as services
from campaigns.tasks.raffles import raffles_close_due as raffles_close_due_task

from .factories import CampaignFactory
from .raffle_support import campaign_raffle, members, published_shares

pytestmark = pytest.mark.django_db


def test_creation_publishes_the_commitment_of_a_secret_32_byte_seed(world):
    raffle = campaign_raffle(world.a)
    assert len(bytes.fromhex(raffle.seed)) == 32
    assert raffle.commitment == hashlib.sha256(bytes.fromhex(raffle.seed)).hexdigest()
    assert len(bytes.fromhex(raffle.pseudonym_key)) == 32
    assert raffle.status == RaffleStatus.OPEN
    assert raffle.algorithm == raffle_draw.ALGORITHM
    other = campaign_raffle(world.a)
    assert other.seed != raffle.seed and other.pseudonym_key != raffle.pseudonym_key
    entry = AuditLogEntry.objects.get(
        organization=world.a.org, action="raffle.created", target_id=str(raffle.pk)
    )
    assert entry.data["commitment"] == raffle.commitment
    assert raffle.seed not in str(entry.data)


def test_only_managers_create_close_and_draw(world):
    with pytest.raises(PermissionDenied):
        services.raffle_create(
            actor=world.a.members["employee"],
            title="x",
            prize="y",
            closes_at=timezone.now() + timedelta(days=1),
            campaign=CampaignFactory.create(organization=world.a.org),
        )
    raffle = campaign_raffle(world.a)
    with pytest.raises(PermissionDenied):
        services.raffle_close(actor=world.a.members["employee"], raffle=raffle)
    with pytest.raises(PermissionDenied):
        services.raffle_close(actor=world.b.members["admin"], raffle=raffle)
    services.raffle_close(actor=world.a.members["admin"], raffle=raffle)
    with pytest.raises(PermissionDenied):
        services.raffle_draw_winners(actor=world.a.members["hr"], raffle=raffle)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"prize": ""}, "prize"),
        ({"winners_count": 0}, "winners_count"),
        ({"winners_count": 101}, "winners_count"),
        ({"min_shares": 0}, "min_shares"),
        ({"closes_at": None}, "closes_at"),
        ({"closes_at": "past"}, "closes_at"),
        ({"campaign": None}, "campaign"),
        ({"campaign": None, "period_start": "later", "period_end": "now"}, "period_end"),
        ({"period_start": "now"}, "period_start"),
    ],
)
def test_bad_input_is_a_validation_error_on_its_field(world, changes, field):
    now = timezone.now()
    values: dict[str, Any] = {
        "title": "Raffle",
        "prize": "A prize",
        "campaign": CampaignFactory.create(organization=world.a.org),
        "closes_at": now + timedelta(days=1),
    }
    times = {"past": now - timedelta(minutes=1), "now": now, "later": now + timedelta(hours=1)}
    for key, value in changes.items():
        values[key] = times[value] if key.endswith(("_at", "_start", "_end")) and value else value
    with pytest.raises(ValidationError) as exc:
        services.raffle_create(actor=world.a.members["manager"], **values)
    assert field in exc.value.message_dict


def test_a_foreign_campaign_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.raffle_create(
            actor=world.a.members["manager"],
            title="x",
            prize="y",
            closes_at=timezone.now() + timedelta(days=1),
            campaign=CampaignFactory.create(organization=world.b.org),
        )
    assert "campaign" in exc.value.message_dict


def test_the_close_freezes_the_eligible_members_sorted_with_their_hash(world):
    campaign = CampaignFactory.create(organization=world.a.org)
    raffle = campaign_raffle(world.a, campaign=campaign, min_shares=2)
    two, three, one, inactive, elsewhere, early = members(world.a, 6)
    published_shares(two, campaign, 2)
    published_shares(three, campaign, 3)
    published_shares(one, campaign, 1)  # below the minimum
    published_shares(inactive, campaign, 5)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    published_shares(elsewhere, CampaignFactory.create(organization=world.a.org), 4)
    published_shares(elsewhere, None, 4)
    published_shares(early, campaign, 3, published_at=campaign.starts_at - timedelta(minutes=1))
    published_shares(world.b.members["employee"], None, 4)
    raffle = services.raffle_close(actor=world.a.members["manager"], raffle=raffle)
    assert raffle.status == RaffleStatus.CLOSED
    entries = list(RaffleEntry.objects.filter(raffle=raffle).order_by("position"))
    assert {e.membership_id for e in entries} == {two.pk, three.pk}
    assert [e.pseudonym for e in entries] == sorted(e.pseudonym for e in entries)
    assert all(e.tickets == 1 for e in entries)
    assert {e.pseudonym for e in entries} == {
        services.raffle_pseudonym(raffle, two.pk),
        services.raffle_pseudonym(raffle, three.pk),
    }
    assert raffle.entries_hash == raffle_draw.entries_hash_of(
        [(e.pseudonym, e.tickets) for e in entries]
    )
    assert raffle.entries_frozen_at is not None


def test_one_entry_per_share_gives_tickets_by_share(world):
    campaign = CampaignFactory.create(organization=world.a.org)
    raffle = campaign_raffle(world.a, campaign=campaign, entry_per_share=True)
    a, b = members(world.a, 2)
    published_shares(a, campaign, 3)
    published_shares(b, campaign, 1)
    services.raffle_close(actor=world.a.members["manager"], raffle=raffle)
    tickets = dict(
        RaffleEntry.objects.filter(raffle=raffle).values_list("membership_id", "tickets")
    )
    assert tickets == {a.pk: 3, b.pk: 1}


def test_a_period_raffle_counts_any_share_published_in_the_period(world):
    now = timezone.now()
    raffle = services.raffle_create(
        actor=world.a.members["manager"],
        title="November",
        prize="Mug",
        period_start=now - timedelta(days=2),
        period_end=now + timedelta(days=2),
        closes_at=now + timedelta(days=3),
    )
    inside, before = members(world.a, 2)
    published_shares(inside, None, 1)
    published_shares(before, None, 1, published_at=now - timedelta(days=3))
    services.raffle_close(actor=world.a.members["manager"], raffle=raffle)
    assert list(
        RaffleEntry.objects.filter(raffle=raffle).values_list("membership_id", flat=True)
    ) == [inside.pk]


def test_closing_twice_is_refused_and_the_clock_skips_closed_raffles(world):
    raffle = campaign_raffle(world.a)
    services.raffle_close(actor=world.a.members["manager"], raffle=raffle)
    with pytest.raises(ValidationError, match="already closed"):
        services.raffle_close(actor=world.a.members["manager"], raffle=raffle)
    assert (
        services.raffles_close_due(organization=world.a.org, now=timezone.now() + timedelta(days=9))
        == 0
    )


def test_the_clock_closes_raffles_whose_time_has_come_in_every_organization(world):
    campaign_a = CampaignFactory.create(organization=world.a.org)
    due_a = campaign_raffle(world.a, campaign=campaign_a)
    later_a = campaign_raffle(world.a, closes_at=timezone.now() + timedelta(days=5))
    due_b = campaign_raffle(world.b)
    member = members(world.a, 1)[0]
    published_shares(member, campaign_a, 1)
    for raffle in (due_a, due_b):
        type(raffle).objects.filter(pk=raffle.pk).update(
            closes_at=timezone.now() - timedelta(seconds=1)
        )
    assert raffles_close_due_task() == 2
    for raffle in (due_a, later_a, due_b):
        raffle.refresh_from_db()
    assert (due_a.status, later_a.status, due_b.status) == ("closed", "open", "closed")
    assert RaffleEntry.objects.filter(raffle=due_a).count() == 1
    assert raffles_close_due_task() == 0
    system = AuditLogEntry.objects.get(organization=world.a.org, action="raffle.closed")
    assert system.actor is None


def test_the_draw_needs_a_closed_raffle_and_reveals_the_seed_with_the_winners(world):
    campaign = CampaignFactory.create(organization=world.a.org)
    raffle = campaign_raffle(world.a, campaign=campaign, winners_count=2)
    manager = world.a.members["manager"]
    with pytest.raises(ValidationError, match="Close the raffle"):
        services.raffle_draw_winners(actor=manager, raffle=raffle)
    assert sel.raffle_proof(raffle)["seed"] is None
    for member in members(world.a, 5):
        published_shares(member, campaign, 1)
    services.raffle_close(actor=manager, raffle=raffle)
    assert sel.raffle_proof(raffle)["seed"] is None
    with pytest.raises(ValidationError) as exc:
        services.raffle_draw_winners(actor=manager, raffle=raffle, public_value="x" * 201)
    assert "public_value" in exc.value.message_dict
    raffle = services.raffle_draw_winners(
        actor=manager, raffle=raffle, public_value=" lotto 4 8 15 "
    )
    assert raffle.public_value == "lotto 4 8 15"
    proof = sel.raffle_proof(raffle)
    assert proof["seed"] == raffle.seed
    assert len(proof["winners"]) == 2
    assert raffle_draw.verify_proof(proof) == []
    with pytest.raises(ValidationError, match="already been drawn"):
        services.raffle_draw_winners(actor=manager, raffle=raffle)


def test_winners_are_capped_at_the_entrants_and_nobody_wins_twice(world):
    campaign = CampaignFactory.create(organization=world.a.org)
    raffle = campaign_raffle(world.a, campaign=campaign, winners_count=5, entry_per_share=True)
    a, b = members(world.a, 2)
    published_shares(a, campaign, 6)
    published_shares(b, campaign, 1)
    services.raffle_close(actor=world.a.members["manager"], raffle=raffle)
    services.raffle_draw_winners(actor=world.a.members["manager"], raffle=raffle)
    winners = list(RaffleWinner.objects.filter(raffle=raffle).order_by("rank"))
    assert [w.rank for w in winners] == [1, 2]
    assert {w.entry.membership_id for w in winners} == {a.pk, b.pk}


def test_zero_entrants_is_drawn_with_no_winner(world):
    raffle = campaign_raffle(world.a)
    services.raffle_close(actor=world.a.members["manager"], raffle=raffle)
    raffle = services.raffle_draw_winners(actor=world.a.members["manager"], raffle=raffle)
    assert raffle.status == RaffleStatus.DRAWN
    proof = sel.raffle_proof(raffle)
    assert proof["entries"] == [] and proof["winners"] == []
    assert proof["entries_hash"] == hashlib.sha256(b"").hexdigest()
    assert raffle_draw.verify_proof(proof) == []


def test_a_member_sees_their_standing_and_pseudonym(world):
    campaign = CampaignFactory.create(organization=world.a.org)
    raffle = campaign_raffle(world.a, campaign=campaign, min_shares=2)
    me = world.a.members["employee"]
    published_shares(me, campaign, 1)
    standing = sel.raffle_member_standing(raffle=raffle, membership=me)
    assert (standing.eligible, standing.shares, standing.shares_missing) == (False, 1, 1)
    published_shares(me, campaign, 1)
    standing = sel.raffle_member_standing(raffle=raffle, membership=me)
    assert (standing.eligible, standing.tickets) == (True, 1)
    services.raffle_close(actor=world.a.members["manager"], raffle=raffle)
    services.raffle_draw_winners(actor=world.a.members["manager"], raffle=raffle)
    [standing] = sel.campaign_raffle_standings(campaign=campaign, membership=me)
    entries = sel.raffle_proof(standing.raffle)["entries"]
    assert standing.pseudonym in [e["pseudonym"] for e in entries]
    assert standing.rank == 1
    assert standing.raffle.winner_pseudonyms == [standing.pseudonym]  # type: ignore[attr-defined]


def test_employees_see_raffles_of_campaigns_that_are_out(world):
    live = campaign_raffle(world.a)
    draft = campaign_raffle(
        world.a,
        campaign=CampaignFactory.create(organization=world.a.org, status=CampaignStatus.DRAFT),
    )
    employee = world.a.members["employee"]
    assert list(sel.raffles_visible_to(membership=employee)) == [live]
    assert set(sel.raffles_visible_to(membership=world.a.members["manager"])) == {live, draft}


# --- manage.py raffle_verify ----------------------------------------------------------


def _drawn(world, n=4):
    campaign = CampaignFactory.create(organization=world.a.org)
    raffle = campaign_raffle(world.a, campaign=campaign, winners_count=2)
    for member in members(world.a, n):
        published_shares(member, campaign, 1)
    services.raffle_close(actor=world.a.members["manager"], raffle=raffle)
    return services.raffle_draw_winners(
        actor=world.a.members["manager"], raffle=raffle, public_value="drand 4242"
    )


def test_the_verify_command_agrees_with_an_honest_draw(world, capsys):
    raffle = _drawn(world)
    call_command("raffle_verify", str(raffle.pk))
    call_command("raffle_verify", str(raffle.public_id))
    assert capsys.readouterr().out.count("OK: the seed matches the commitment") == 2


def test_the_verify_command_fails_on_a_tampered_seed(world):
    raffle = _drawn(world)
    type(raffle).objects.filter(pk=raffle.pk).update(seed="ab" * 32)
    with pytest.raises(CommandError, match="The seed does not match the commitment"):
        call_command("raffle_verify", str(raffle.pk))


def test_the_verify_command_fails_on_a_tampered_list_or_winner(world):
    raffle = _drawn(world)
    entry = RaffleEntry.objects.filter(raffle=raffle).first()
    RaffleEntry.objects.filter(pk=entry.pk).update(tickets=9)
    with pytest.raises(CommandError, match="does not match its hash"):
        call_command("raffle_verify", str(raffle.pk))
    RaffleEntry.objects.filter(pk=entry.pk).update(tickets=1)
    call_command("raffle_verify", str(raffle.pk))
    winner_ids = set(RaffleWinner.objects.filter(raffle=raffle).values_list("entry_id", flat=True))
    loser = RaffleEntry.objects.filter(raffle=raffle).exclude(pk__in=winner_ids).first()
    RaffleWinner.objects.filter(raffle=raffle, rank=1).update(entry=loser)
    with pytest.raises(CommandError, match="winners do not follow"):
        call_command("raffle_verify", str(raffle.pk))


def test_the_verify_command_names_an_undrawn_or_unknown_raffle(world):
    raffle = campaign_raffle(world.a)
    with pytest.raises(CommandError, match="not been drawn"):
        call_command("raffle_verify", str(raffle.pk))
    with pytest.raises(CommandError, match="No raffle"):
        call_command("raffle_verify", "00000000-0000-0000-0000-000000000000")
