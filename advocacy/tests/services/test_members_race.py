"""Two admins deactivating (or demoting) each other at the same moment (issue 12 item 5).

Real threads, each with its own PostgreSQL connection, start together behind a barrier. Before
the fix each transaction locked the member it changes and then the other admins, in opposite
orders, and PostgreSQL killed one with ``DeadlockDetected`` (a 500). Now both lock the rows they
need in one ``SELECT … FOR UPDATE`` ordered by id: exactly one change goes through and the other
is refused by the "last active admin" rule (a 400), decided on the winner's committed change,
never an error of the database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from advocacy.models import Membership, Role
from advocacy.services import members as services
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 6


def _race(first: Callable[[], object], second: Callable[[], object]) -> list[object]:
    """Run both at the same moment; the outcome of each (the result or the exception)."""
    barrier = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def run(n: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[n] = call()
        except BaseException as exc:  # reported by the caller
            outcomes[n] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _two_admins(org) -> tuple[Membership, Membership]:
    """The organization's only two active admins (the world's admin steps down first)."""
    first = Membership.objects.get(organization=org, role=Role.ADMIN)
    second = MembershipFactory.create(
        organization=org, user=UserFactory.create(), role=Role.ADMIN, external_id="E-admin2"
    )
    return first, second


def _assert_one_won(outcomes: list[object], a: Membership, b: Membership, field: str) -> None:
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(errors) == 1, outcomes
    [error] = errors
    assert isinstance(error, ValidationError), repr(error)  # a 400, never DeadlockDetected
    assert "last active admin" in str(error)
    a.refresh_from_db()
    b.refresh_from_db()
    if field == "is_active":
        assert sorted([a.is_active, b.is_active]) == [False, True]
    else:
        assert sorted([a.role, b.role]) == sorted([Role.ADMIN, Role.EMPLOYEE])


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_admins_deactivating_each_other_one_wins_the_other_gets_a_400(
    world, postgres_only, round_
):
    a, b = _two_admins(world.a.org)
    outcomes = _race(
        lambda: services.member_deactivate(actor=a, membership=b),
        lambda: services.member_deactivate(actor=b, membership=a),
    )
    _assert_one_won(outcomes, a, b, "is_active")


@pytest.mark.parametrize("round_", range(3))
def test_two_admins_demoting_each_other_one_wins_the_other_gets_a_400(world, postgres_only, round_):
    a, b = _two_admins(world.a.org)
    outcomes = _race(
        lambda: services.member_update(actor=a, membership=b, role=Role.EMPLOYEE),
        lambda: services.member_update(actor=b, membership=a, role=Role.EMPLOYEE),
    )
    _assert_one_won(outcomes, a, b, "role")


def test_the_last_active_admin_rule_still_holds(world):
    a, b = _two_admins(world.a.org)
    services.member_deactivate(actor=a, membership=b)
    b.refresh_from_db()
    services.member_reactivate(actor=a, membership=b)
    b.role = Role.EMPLOYEE
    b.save(update_fields=["role"])
    services.member_update(actor=a, membership=b, role=Role.MANAGER)
    with pytest.raises(ValidationError, match="last active admin"):
        services.member_update(actor=a, membership=a, role=Role.EMPLOYEE)


def test_a_deactivated_admin_cannot_deactivate_another_admin(world, postgres_only):
    """With a third admin the "last admin" rule does not decide the race: the loser's own
    membership, re-read under the same lock, is no longer active, so it is refused."""
    a, b = _two_admins(world.a.org)
    MembershipFactory.create(
        organization=world.a.org, user=UserFactory.create(), role=Role.ADMIN, external_id="E-3"
    )
    services.member_deactivate(actor=a, membership=b)
    with pytest.raises(ValidationError, match="no longer active"):
        services.member_deactivate(actor=b, membership=a)  # b's stale actor object
    a.refresh_from_db()
    assert a.is_active
