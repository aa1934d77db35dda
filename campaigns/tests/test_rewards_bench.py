"""The rewards bench row runs and holds its promise: one success per round."""

from __future__ import annotations

import io

import pytest

from bench.harness import BenchContext
from campaigns.benchmarks.rewards import CONCURRENCY, FLOOR, NAME, bench_redeem_last_item
from campaigns.models import PointsBalance, Redemption
from tests.factories import MembershipFactory, OrganizationFactory


@pytest.mark.django_db(transaction=True)
def test_the_last_item_bench_prints_one_success_per_round(postgres_only):
    org = OrganizationFactory.create(slug="bench-rewards")
    members = [MembershipFactory.create(organization=org) for _ in range(CONCURRENCY)]
    ctx = BenchContext(
        organization=org, admin=members[0].user, members=CONCURRENCY, search_fragment="", quick=True
    )
    out = io.StringIO()
    assert bench_redeem_last_item(ctx, out) == []
    text = out.getvalue()
    lines = {line.split("  ")[0]: line for line in text.splitlines()}
    assert "1, 1, 1" in lines[NAME] and "1, 1, 1" in lines[FLOOR], text
    # Every round's winner withdrew: nothing held, nobody below zero.
    assert not Redemption.objects.filter(status="requested").exists()
    assert Redemption.objects.filter(status="cancelled").count() == 4  # warm-up + 3 rounds
    assert not PointsBalance.objects.filter(spendable__lt=0).exists()
