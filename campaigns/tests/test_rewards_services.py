"""Rewards: stock and points move together, never below zero, decided once, audit-logged."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections

from advocacy.models import AuditLogEntry
from campaigns.models import PointsAction, PointsBalance, PointsEntry, Redemption, Reward
from campaigns.services.ledger import points_entry_append
from campaigns.services.rewards import (
    redemption_approve,
    redemption_cancel,
    redemption_fulfil,
    redemption_reject,
    reward_create,
    reward_redeem,
    reward_update,
)
from tests.factories import MembershipFactory

from .factories import RewardFactory

pytestmark = pytest.mark.django_db


def give(member, points: int, key: str = "welcome") -> None:
    points_entry_append(
        membership=member,
        action=PointsAction.ADJUSTMENT,
        points=points,
        dedupe_key=f"{key}:{member.pk}",
        note="Welcome bonus",
    )


def balance(member) -> tuple[int, int]:
    b = PointsBalance.objects.get(membership=member)
    return b.lifetime, b.spendable


def stock(reward) -> int | None:
    return Reward.objects.get(pk=reward.pk).stock


@pytest.fixture
def a(world):
    return world.a


def test_redeeming_takes_stock_and_holds_points_but_never_lifetime(a):
    employee = a.members["employee"]
    give(employee, 300)
    reward = RewardFactory.create(organization=a.org, cost=120, stock=2)
    redemption = reward_redeem(actor=employee, reward=reward)
    assert redemption.status == "requested" and redemption.cost == 120
    assert stock(reward) == 1
    assert balance(employee) == (300, 180)
    hold = PointsEntry.objects.get(action=PointsAction.REDEMPTION_HOLD)
    assert (hold.points, hold.spendable, hold.object_id) == (0, -120, str(redemption.pk))
    assert AuditLogEntry.objects.filter(action="redemption.requested").count() == 1


def test_not_enough_points_takes_no_stock_and_makes_no_redemption(a):
    employee = a.members["employee"]
    give(employee, 50)
    reward = RewardFactory.create(organization=a.org, cost=120, stock=1)
    with pytest.raises(ValidationError) as exc:
        reward_redeem(actor=employee, reward=reward)
    assert "points" in exc.value.message_dict
    assert stock(reward) == 1
    assert balance(employee) == (50, 50)
    assert not Redemption.objects.exists()


def test_a_member_without_any_points_is_refused(a):
    reward = RewardFactory.create(organization=a.org, cost=1, stock=None)
    with pytest.raises(ValidationError):
        reward_redeem(actor=a.members["employee"], reward=reward)
    assert not Redemption.objects.exists()


def test_out_of_stock_and_inactive_are_refused_with_a_reason(a):
    employee = a.members["employee"]
    give(employee, 1000)
    empty = RewardFactory.create(organization=a.org, cost=10, stock=0)
    off = RewardFactory.create(organization=a.org, cost=10, stock=5, is_active=False)
    with pytest.raises(ValidationError) as exc:
        reward_redeem(actor=employee, reward=empty)
    assert "out of stock" in exc.value.message_dict["reward"][0]
    with pytest.raises(ValidationError) as exc:
        reward_redeem(actor=employee, reward=off)
    assert "no longer offered" in exc.value.message_dict["reward"][0]
    assert balance(employee) == (1000, 1000)
    assert stock(off) == 5


def test_unlimited_stock_stays_unlimited(a):
    employee = a.members["employee"]
    give(employee, 100)
    reward = RewardFactory.create(organization=a.org, cost=10, stock=None)
    for _ in range(3):
        reward_redeem(actor=employee, reward=reward)
    assert stock(reward) is None
    assert balance(employee) == (100, 70)


def test_a_double_submit_with_one_key_makes_one_redemption(a):
    employee = a.members["employee"]
    give(employee, 100)
    reward = RewardFactory.create(organization=a.org, cost=30, stock=5)
    first = reward_redeem(actor=employee, reward=reward, request_key="k-1")
    again = reward_redeem(actor=employee, reward=reward, request_key="k-1")
    assert first.pk == again.pk
    assert Redemption.objects.count() == 1
    assert stock(reward) == 4 and balance(employee) == (100, 70)
    other = RewardFactory.create(organization=a.org, cost=30, stock=5)
    with pytest.raises(ValidationError) as exc:
        reward_redeem(actor=employee, reward=other, request_key="k-1")
    assert "request_key" in exc.value.message_dict
    # Another member may use the same key: keys are per member.
    colleague = a.members["manager"]
    give(colleague, 100)
    assert reward_redeem(actor=colleague, reward=reward, request_key="k-1").pk != first.pk


def test_reject_returns_points_and_stock_and_needs_a_reason(a):
    employee, manager = a.members["employee"], a.members["manager"]
    give(employee, 100)
    reward = RewardFactory.create(organization=a.org, cost=60, stock=1)
    redemption = reward_redeem(actor=employee, reward=reward)
    assert stock(reward) == 0
    with pytest.raises(ValidationError) as exc:
        redemption_reject(actor=manager, redemption=redemption, reason="  ")
    assert "reason" in exc.value.message_dict
    done = redemption_reject(actor=manager, redemption=redemption, reason="Sold out at the shop")
    assert done.status == "rejected" and done.decision_note == "Sold out at the shop"
    assert done.decided_by == manager
    assert stock(reward) == 1
    assert balance(employee) == (100, 100)
    assert PointsEntry.objects.filter(action=PointsAction.REDEMPTION_RETURN).count() == 1
    # Decided once: a second rejection (or approval) changes nothing.
    with pytest.raises(ValidationError):
        redemption_reject(actor=manager, redemption=redemption, reason="again")
    with pytest.raises(ValidationError):
        redemption_approve(actor=manager, redemption=redemption)
    assert balance(employee) == (100, 100) and stock(reward) == 1
    assert AuditLogEntry.objects.filter(action="redemption.rejected").count() == 1


def test_approve_then_fulfil_keeps_the_points_spent(a):
    employee, manager = a.members["employee"], a.members["manager"]
    give(employee, 100)
    reward = RewardFactory.create(organization=a.org, cost=40, stock=3)
    redemption = reward_redeem(actor=employee, reward=reward)
    with pytest.raises(ValidationError):
        redemption_fulfil(actor=manager, redemption=redemption, note="too early")
    approved = redemption_approve(actor=manager, redemption=redemption, note="Enjoy")
    assert approved.status == "approved" and approved.decided_at is not None
    fulfilled = redemption_fulfil(actor=manager, redemption=approved, note="Voucher e-mailed")
    assert fulfilled.status == "fulfilled" and fulfilled.fulfilment_note == "Voucher e-mailed"
    assert fulfilled.fulfilled_at is not None
    assert balance(employee) == (100, 60) and stock(reward) == 2
    with pytest.raises(ValidationError):
        redemption_cancel(actor=employee, redemption=fulfilled)
    actions = set(AuditLogEntry.objects.values_list("action", flat=True))
    assert {"redemption.approved", "redemption.fulfilled"} <= actions


def test_a_member_cancels_only_their_own_pending_request(a):
    employee, manager = a.members["employee"], a.members["manager"]
    give(employee, 100)
    reward = RewardFactory.create(organization=a.org, cost=25, stock=1)
    redemption = reward_redeem(actor=employee, reward=reward)
    with pytest.raises(PermissionDenied):
        redemption_cancel(actor=manager, redemption=redemption)
    done = redemption_cancel(actor=employee, redemption=redemption)
    assert done.status == "cancelled"
    assert balance(employee) == (100, 100) and stock(reward) == 1
    with pytest.raises(ValidationError):
        redemption_cancel(actor=employee, redemption=redemption)
    assert balance(employee) == (100, 100) and stock(reward) == 1


def test_employees_cannot_decide_or_edit_the_catalogue(a):
    employee = a.members["employee"]
    give(employee, 100)
    reward = RewardFactory.create(organization=a.org, cost=25, stock=1)
    redemption = reward_redeem(actor=employee, reward=reward)
    for call in (
        lambda: redemption_approve(actor=employee, redemption=redemption),
        lambda: redemption_reject(actor=employee, redemption=redemption, reason="no"),
        lambda: redemption_fulfil(actor=employee, redemption=redemption),
        lambda: reward_create(actor=employee, name="Mug", cost=10),
        lambda: reward_update(actor=employee, reward=reward, cost=1),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert Redemption.objects.get().status == "requested"


def test_another_organizations_manager_cannot_decide(world):
    employee = world.a.members["employee"]
    give(employee, 100)
    reward = RewardFactory.create(organization=world.a.org, cost=25, stock=1)
    redemption = reward_redeem(actor=employee, reward=reward)
    with pytest.raises(PermissionDenied):
        redemption_approve(actor=world.b.members["manager"], redemption=redemption)
    with pytest.raises(PermissionDenied):
        reward_redeem(actor=world.b.members["employee"], reward=reward)


def test_catalogue_writes_are_validated_and_audit_logged(a):
    manager = a.members["manager"]
    with pytest.raises(ValidationError) as exc:
        reward_create(actor=manager, name="  ", cost=0, stock=-1)
    assert set(exc.value.message_dict) == {"name", "cost", "stock"}
    reward = reward_create(actor=manager, name="Team lunch", cost=500, stock=None)
    assert reward.stock is None and reward.is_active
    reward = reward_update(actor=manager, reward=reward, cost=450, stock=3)
    assert (reward.cost, reward.stock) == (450, 3)
    reward = reward_update(actor=manager, reward=reward, is_active=False)
    assert not Reward.objects.get(pk=reward.pk).is_active
    reward = reward_update(actor=manager, reward=reward, stock=None)
    assert Reward.objects.get(pk=reward.pk).stock is None
    actions = list(AuditLogEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["reward.created", "reward.edited", "reward.deactivated", "reward.edited"]


def test_a_new_cost_does_not_change_pending_requests(a):
    employee, manager = a.members["employee"], a.members["manager"]
    give(employee, 100)
    reward = RewardFactory.create(organization=a.org, cost=40, stock=3)
    redemption = reward_redeem(actor=employee, reward=reward)
    reward_update(actor=manager, reward=reward, cost=90)
    redemption_reject(actor=manager, redemption=redemption, reason="Changed my mind")
    assert balance(employee) == (100, 100)


# --- Races on PostgreSQL ------------------------------------------------------------------


def _run_at_once(calls) -> list[str]:
    results: list[str] = []
    barrier = threading.Barrier(len(calls))

    def run(call) -> None:
        barrier.wait()
        try:
            call()
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)


@pytest.mark.django_db(transaction=True)
def test_many_members_racing_for_the_last_item_one_gets_it(postgres_only):
    reward = RewardFactory.create(cost=10, stock=1)
    members = [MembershipFactory.create(organization=reward.organization) for _ in range(8)]
    for m in members:
        give(m, 10)
    results = _run_at_once([lambda m=m: reward_redeem(actor=m, reward=reward) for m in members])
    assert results == ["ok"] + ["refused"] * 7
    assert stock(reward) == 0
    assert Redemption.objects.count() == 1
    winner = Redemption.objects.get().membership
    spendables = sorted(PointsBalance.objects.values_list("spendable", flat=True))
    assert spendables == [0] + [10] * 7
    assert balance(winner) == (10, 0)


@pytest.mark.django_db(transaction=True)
def test_one_member_spending_on_two_rewards_at_once_never_goes_below_zero(postgres_only):
    reward = RewardFactory.create(cost=60, stock=None)
    other = RewardFactory.create(organization=reward.organization, cost=60, stock=5)
    member = MembershipFactory.create(organization=reward.organization)
    give(member, 100)
    results = _run_at_once(
        [
            lambda: reward_redeem(actor=member, reward=reward),
            lambda: reward_redeem(actor=member, reward=other),
            lambda: reward_redeem(actor=member, reward=reward),
        ]
    )
    assert results == ["ok", "refused", "refused"]
    assert balance(member) == (100, 40)
    # The refused one took no stock.
    taken = 5 - (stock(other) or 0)
    assert Redemption.objects.filter(reward=other).count() == taken


@pytest.mark.django_db(transaction=True)
def test_a_double_submit_at_the_same_moment_makes_one_redemption(postgres_only):
    reward = RewardFactory.create(cost=10, stock=5)
    member = MembershipFactory.create(organization=reward.organization)
    give(member, 100)
    results = _run_at_once(
        [lambda: reward_redeem(actor=member, reward=reward, request_key="same")] * 4
    )
    assert results == ["ok"] * 4
    assert Redemption.objects.count() == 1
    assert stock(reward) == 4 and balance(member) == (100, 90)


@pytest.mark.django_db(transaction=True)
def test_two_managers_deciding_at_once_make_one_decision(postgres_only):
    reward = RewardFactory.create(cost=10, stock=1)
    org = reward.organization
    member = MembershipFactory.create(organization=org)
    managers = [MembershipFactory.create(organization=org, role="manager") for _ in range(2)]
    give(member, 30)
    first = reward_redeem(actor=member, reward=reward)
    results = _run_at_once(
        [
            lambda: redemption_reject(actor=managers[0], redemption=first, reason="No"),
            lambda: redemption_reject(actor=managers[1], redemption=first, reason="Nope"),
            lambda: redemption_cancel(actor=member, redemption=first),
        ]
    )
    assert results == ["ok", "refused", "refused"]
    assert PointsEntry.objects.filter(action=PointsAction.REDEMPTION_RETURN).count() == 1
    assert stock(reward) == 1 and balance(member) == (30, 30)

    second = reward_redeem(actor=member, reward=reward)
    results = _run_at_once(
        [lambda m=m: redemption_approve(actor=m, redemption=second) for m in managers]
    )
    assert results == ["ok", "refused"]
    assert Redemption.objects.get(pk=second.pk).status == "approved"
    assert stock(reward) == 0 and balance(member) == (30, 20)


def test_nobody_approves_their_own_request(a):
    manager = a.members["manager"]
    give(manager, 100)
    reward = RewardFactory.create(organization=a.org, cost=10, stock=1)
    own = reward_redeem(actor=manager, reward=reward)
    with pytest.raises(ValidationError):
        redemption_approve(actor=manager, redemption=own)
    assert redemption_approve(actor=a.members["admin"], redemption=own).status == "approved"


def test_reward_audit_entries_read_as_sentences(a):
    import html

    from advocacy.audit_sentences import describe_entries

    employee, manager = a.members["employee"], a.members["manager"]
    give(employee, 100)
    reward = reward_create(actor=manager, name="Team lunch", cost=40)
    redemption = reward_redeem(actor=employee, reward=reward)
    redemption_reject(actor=manager, redemption=redemption, reason="No budget")
    entries = list(AuditLogEntry.objects.order_by("id"))
    described = describe_entries(entries, organization=a.org)
    sentences = [html.unescape(str(d.sentence)) for d in described]
    who, member = f"{manager.user.name} (manager)", employee.user.name
    assert sentences == [
        f"{who} added the reward Team lunch",
        f"{member} (employee) asked for Team lunch",
        f"{who} rejected {member}'s request for Team lunch",
    ]
