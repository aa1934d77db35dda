"""Parallel submits of the same share-dialog share make exactly one share (issue 12 item 7).

Real threads, each with its own PostgreSQL connection, submit the same Facebook-profile (or X)
share at the same moment: none finds a row to lock, so the partial unique constraint
``share_unique_dialog`` lets one insert through and the others answer with that share.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from advocacy.models import Role
from social.models import Share, ShareEvent, ShareMethod, ShareState
from social.services.shares import ShareTarget, share_create, share_dialog_confirm

from .shares_support import accept_policy, link_item, publish_policy

pytestmark = pytest.mark.django_db(transaction=True)

SUBMITS = 8


@pytest.mark.parametrize("network", ["facebook", "x"])
def test_parallel_submits_of_one_dialog_share_make_one_share(world, network):
    if connection.vendor != "postgresql":
        pytest.skip("the race needs concurrent connections (PostgreSQL)")
    employee = world.a.members[Role.EMPLOYEE]
    accept_policy(employee, publish_policy(world.a.org, world.a.admin))
    item = link_item(world.a.org)
    barrier = threading.Barrier(SUBMITS)
    results: list[int] = []
    errors: list[BaseException] = []

    def submit(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            [share] = share_create(
                membership=employee,
                item=item,
                targets=[ShareTarget(f"Proud of this ({n})", network=network)],
            )
            results.append(share.pk)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(SUBMITS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(results) == SUBMITS
    shares = Share.objects.filter(item=item, membership=employee, network=network)
    assert shares.count() == 1
    share = shares.get()
    assert set(results) == {share.pk}
    assert share.method == ShareMethod.DIALOG and share.state == ShareState.SCHEDULED
    assert ShareEvent.objects.filter(share=share).count() == 1  # created once
    confirmed = share_dialog_confirm(membership=employee, share=share)
    assert confirmed.state == ShareState.PUBLISHED
    assert Share.objects.filter(item=item, state=ShareState.PUBLISHED).count() == 1
