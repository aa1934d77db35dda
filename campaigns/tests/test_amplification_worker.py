"""Amplification on a real Celery worker and the sandbox: a retried or redelivered task posts
once; two managers amplifying the same post to the same page at once make one amplification."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, transaction

from campaigns.models import Amplification, AmplificationState
from campaigns.services import amplification as svc
from campaigns.tasks import amplification as tasks

from .amplification_support import (
    ACME,
    wait_for_state,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _reshares(sandbox):
    return [p for p in sandbox.linkedin_posts() if p["author"] == ACME]


def test_the_worker_publishes_once_whatever_the_retries(
    sandbox, world, employee_share, linkedin_page, publishing_worker
):
    with transaction.atomic():
        amplification = svc.amplification_create(
            actor=world.a.members["manager"],
            share=employee_share,
            account=linkedin_page,
            comment="Look at this",
        )
    # The same message delivered again and a manual retry of the task, at once.
    tasks.publish_amplification.delay(amplification.pk)
    tasks.publish_amplification.delay(amplification.pk)

    amplification = wait_for_state(
        amplification, AmplificationState.PUBLISHED, AmplificationState.FAILED
    )
    tasks.publish_amplification.apply_async((amplification.pk,)).get(timeout=30)

    assert amplification.state == AmplificationState.PUBLISHED
    assert len(_reshares(sandbox)) == 1
    creates = [
        r for r in sandbox.requests_log() if r["route"] == "posts.create" and r["status"] == 201
    ]
    assert len(creates) == 2  # the employee's post and the company's re-share


def test_a_rate_limited_amplification_waits_then_publishes_on_the_worker(
    sandbox, world, employee_share, linkedin_page, publishing_worker
):
    sandbox.fault("rate_limit", network="linkedin", endpoint="posts.create", retry_after=1)
    with transaction.atomic():
        amplification = svc.amplification_create(
            actor=world.a.members["manager"],
            share=employee_share,
            account=linkedin_page,
            comment="",
        )
    amplification = wait_for_state(
        amplification, AmplificationState.PUBLISHED, AmplificationState.FAILED, timeout=60
    )
    assert amplification.state == AmplificationState.PUBLISHED
    assert len(_reshares(sandbox)) == 1


def test_two_managers_amplifying_at_once_make_one(
    postgres_only, sandbox, world, employee_share, linkedin_page
):
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def amplify(member) -> None:
        try:
            barrier.wait(timeout=10)
            svc.amplification_create(
                actor=member, share=employee_share, account=linkedin_page, comment="Same post"
            )
            outcomes.append("created")
        except ValidationError as exc:
            outcomes.append("refused: " + " ".join(exc.messages))
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=amplify, args=(world.a.members[role],))
        for role in ("manager", "admin")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(o.split(":")[0] for o in outcomes) == ["created", "refused"]
    assert "already re-shared" in next(o for o in outcomes if o.startswith("refused"))
    assert Amplification.objects.filter(share=employee_share, account=linkedin_page).count() == 1
