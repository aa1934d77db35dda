"""The ledger's one write path: balances follow entries, dedupe, never below zero."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections

from campaigns.models import PointsAction, PointsBalance, PointsEntry
from campaigns.services.ledger import InsufficientPoints, points_entry_append
from campaigns.signals import points_recorded
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _balance(membership):
    return PointsBalance.objects.get(membership=membership)


def test_earning_moves_lifetime_and_spendable():
    member = MembershipFactory.create()
    entry = points_entry_append(
        membership=member, action=PointsAction.SHARE_PUBLISHED, points=10, dedupe_key="a"
    )
    assert entry is not None and entry.spendable == 10
    balance = _balance(member)
    assert (balance.lifetime, balance.spendable) == (10, 10)


def test_same_dedupe_key_records_once():
    member = MembershipFactory.create()
    for _ in range(3):
        points_entry_append(
            membership=member, action=PointsAction.HUMAN_CLICK, points=2, dedupe_key="click:1"
        )
    assert PointsEntry.objects.filter(membership=member).count() == 1
    assert _balance(member).lifetime == 2


def test_spending_never_lowers_lifetime_and_never_goes_below_zero():
    member = MembershipFactory.create()
    points_entry_append(
        membership=member, action=PointsAction.SHARE_PUBLISHED, points=50, dedupe_key="e"
    )
    points_entry_append(
        membership=member,
        action=PointsAction.REDEMPTION_HOLD,
        points=0,
        spendable=-40,
        dedupe_key="hold:1",
    )
    with pytest.raises(InsufficientPoints):
        points_entry_append(
            membership=member,
            action=PointsAction.REDEMPTION_HOLD,
            points=0,
            spendable=-40,
            dedupe_key="hold:2",
        )
    balance = _balance(member)
    assert (balance.lifetime, balance.spendable) == (50, 10)
    assert not PointsEntry.objects.filter(dedupe_key="hold:2").exists()


def test_a_reversal_of_spent_points_takes_only_what_is_left():
    member = MembershipFactory.create()
    earned = points_entry_append(
        membership=member, action=PointsAction.SHARE_PUBLISHED, points=30, dedupe_key="e"
    )
    points_entry_append(
        membership=member,
        action=PointsAction.REDEMPTION_HOLD,
        points=0,
        spendable=-25,
        dedupe_key="hold",
    )
    reversal = points_entry_append(
        membership=member,
        action=PointsAction.REVERSAL,
        points=-30,
        spendable=-30,
        reverses=earned,
        dedupe_key="reverse:e",
        clamp_spendable=True,
    )
    assert reversal is not None and reversal.spendable == -5
    balance = _balance(member)
    assert (balance.lifetime, balance.spendable) == (0, 0)


def test_points_recorded_is_sent_after_commit(django_capture_on_commit_callbacks):
    member = MembershipFactory.create()
    seen: list[list[PointsEntry]] = []

    def receiver(sender, organization_id, entries, **kwargs):
        seen.append(entries)

    points_recorded.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            points_entry_append(
                membership=member, action=PointsAction.SHARE_PUBLISHED, points=5, dedupe_key="x"
            )
    finally:
        points_recorded.disconnect(receiver)
    assert [[e.points for e in entries] for entries in seen] == [[5]]


@pytest.mark.django_db(transaction=True)
def test_two_spends_at_once_cannot_overdraw(postgres_only):
    member = MembershipFactory.create()
    points_entry_append(
        membership=member, action=PointsAction.SHARE_PUBLISHED, points=60, dedupe_key="e"
    )
    results: list[str] = []
    barrier = threading.Barrier(4)

    def spend(n: int) -> None:
        barrier.wait()
        try:
            points_entry_append(
                membership=member,
                action=PointsAction.REDEMPTION_HOLD,
                points=0,
                spendable=-40,
                dedupe_key=f"hold:{n}",
            )
            results.append("ok")
        except InsufficientPoints:
            results.append("refused")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=spend, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok", "refused", "refused", "refused"]
    assert _balance(member).spendable == 20
