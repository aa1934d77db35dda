"""Closing and drawing a raffle at the same moment from two places freezes and draws it once.

Real threads, each with its own PostgreSQL connection, start together behind a barrier: the
clock's sweep against a manager's early close, two clock workers, and two draws. The row lock
taken before the status is read decides; the loser sees the raffle closed (or drawn) and
does nothing, or is told so (a 400), never a second list or a second set of winners.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from campaigns.models import Raffle, RaffleEntry, RaffleStatus, RaffleWinner
from campaigns.services import raffles as services

from .factories import CampaignFactory
from .raffle_support import campaign_raffle, members, published_shares

pytestmark = pytest.mark.django_db(transaction=True)


def _race(*calls: Callable[[], object]) -> list[object]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(n: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[n] = call()
        except BaseException as exc:  # reported by the caller
            outcomes[n] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _due_raffle(world) -> Raffle:
    campaign = CampaignFactory.create(organization=world.a.org)
    raffle = campaign_raffle(world.a, campaign=campaign, winners_count=2)
    for member in members(world.a, 4):
        published_shares(member, campaign, 1)
    Raffle.objects.filter(pk=raffle.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    raffle.refresh_from_db()
    return raffle


@pytest.mark.parametrize("round_", range(3))
def test_the_clock_and_a_manager_closing_at_once_freeze_the_list_once(world, postgres_only, round_):
    raffle = _due_raffle(world)
    manager = world.a.members["manager"]
    outcomes = _race(
        lambda: services.raffles_close_due(organization=world.a.org),
        lambda: services.raffle_close(actor=manager, raffle=raffle),
    )
    swept, closed = outcomes
    assert not isinstance(swept, BaseException), repr(swept)
    if isinstance(closed, BaseException):
        assert isinstance(closed, ValidationError) and "already closed" in str(closed)
        assert swept == 1
    else:
        assert swept == 0
    raffle.refresh_from_db()
    assert raffle.status == RaffleStatus.CLOSED
    assert RaffleEntry.objects.filter(raffle=raffle).count() == 4


def test_two_clock_workers_close_once(world, postgres_only):
    raffle = _due_raffle(world)
    outcomes = _race(
        lambda: services.raffles_close_due(organization=world.a.org),
        lambda: services.raffles_close_due(organization=world.a.org),
    )
    assert sorted(outcomes) == [0, 1], outcomes  # type: ignore[type-var]
    assert RaffleEntry.objects.filter(raffle=raffle).count() == 4


def test_two_draws_at_once_pick_the_winners_once(world, postgres_only):
    raffle = _due_raffle(world)
    manager = world.a.members["manager"]
    services.raffle_close(actor=manager, raffle=raffle)
    outcomes = _race(
        lambda: services.raffle_draw_winners(actor=manager, raffle=raffle, public_value="a"),
        lambda: services.raffle_draw_winners(actor=manager, raffle=raffle, public_value="b"),
    )
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), outcomes
    assert "already been drawn" in str(errors[0])
    assert RaffleWinner.objects.filter(raffle=raffle).count() == 2
