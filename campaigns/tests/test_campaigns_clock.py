"""The campaign clock: scheduled → live at the start, live → ended at the end, once each even
when two workers run it at the same moment."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from advocacy.dangerous import CROSS_TENANT_QUERIES, CROSS_TENANT_SWEEPS
from advocacy.models import AuditLogEntry
from campaigns.models import Campaign, CampaignStatus
from campaigns.services.campaigns import campaign_clock_advance, campaigns_clock_tick
from campaigns.tasks import campaigns_clock
from campaigns.tests.factories import CampaignFactory


def _campaigns(world, now):
    return {
        "due_to_start": CampaignFactory.create(
            organization=world.a.org,
            status=CampaignStatus.SCHEDULED,
            starts_at=now - timedelta(minutes=1),
            ends_at=now + timedelta(days=1),
        ),
        "not_yet": CampaignFactory.create(
            organization=world.a.org,
            status=CampaignStatus.SCHEDULED,
            starts_at=now + timedelta(minutes=5),
            ends_at=now + timedelta(days=1),
        ),
        "due_to_end": CampaignFactory.create(
            organization=world.b.org,
            status=CampaignStatus.LIVE,
            starts_at=now - timedelta(days=3),
            ends_at=now - timedelta(seconds=1),
        ),
        "whole_window_passed": CampaignFactory.create(
            organization=world.b.org,
            status=CampaignStatus.SCHEDULED,
            starts_at=now - timedelta(days=3),
            ends_at=now - timedelta(days=1),
        ),
        "draft": CampaignFactory.create(
            organization=world.a.org,
            status=CampaignStatus.DRAFT,
            starts_at=now - timedelta(days=3),
            ends_at=now - timedelta(days=1),
        ),
    }


def _status(c):
    return Campaign.objects.get(pk=c.pk).status


@pytest.mark.django_db
def test_the_clock_moves_due_campaigns_in_every_organization(world):
    now = timezone.now()
    c = _campaigns(world, now)
    assert campaigns_clock_tick(now=now) == 4
    assert _status(c["due_to_start"]) == CampaignStatus.LIVE
    assert _status(c["not_yet"]) == CampaignStatus.SCHEDULED
    assert _status(c["due_to_end"]) == CampaignStatus.ENDED
    assert _status(c["whole_window_passed"]) == CampaignStatus.ENDED
    assert _status(c["draft"]) == CampaignStatus.DRAFT
    went_live = AuditLogEntry.objects.get(
        action="campaign.went_live", target_id=str(c["due_to_start"].pk)
    )
    assert went_live.actor is None and went_live.organization == world.a.org
    assert campaigns_clock_tick(now=now) == 0  # nothing left to do
    assert campaigns_clock_tick(now=now + timedelta(minutes=6)) == 1  # "not_yet" starts


@pytest.mark.django_db
def test_the_task_runs_the_clock_and_beat_runs_the_task(world):
    now = timezone.now()
    c = _campaigns(world, now)
    campaigns_clock.apply()
    assert _status(c["due_to_start"]) == CampaignStatus.LIVE
    entries = list(settings.CELERY_BEAT_SCHEDULE.values())
    assert {"task": "campaigns.tasks.campaigns_clock", "schedule": 60.0} in entries


@pytest.mark.django_db
def test_a_campaign_of_another_organization_is_not_moved(world):
    now = timezone.now()
    c = _campaigns(world, now)
    moved = campaign_clock_advance(
        campaign_id=c["due_to_start"].pk, organization_id=world.b.org.pk, now=now
    )
    assert moved == [] and _status(c["due_to_start"]) == CampaignStatus.SCHEDULED


def test_the_sweep_is_a_registered_cross_tenant_query():
    name = "campaigns.services.campaigns.dangerously_campaigns_due"
    assert name in CROSS_TENANT_SWEEPS and name in CROSS_TENANT_QUERIES


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_workers_at_once_change_each_campaign_once(world, postgres_only, round_):
    now = timezone.now()
    c = _campaigns(world, now)
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[n] = campaigns_clock_tick(now=now)
        except BaseException as exc:  # reported below
            results[n] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == 4  # type: ignore[arg-type]
    for key in ("due_to_start",):
        assert (
            AuditLogEntry.objects.filter(
                action="campaign.went_live", target_id=str(c[key].pk)
            ).count()
            == 1
        )
    for key in ("due_to_end", "whole_window_passed"):
        assert (
            AuditLogEntry.objects.filter(action="campaign.ended", target_id=str(c[key].pk)).count()
            == 1
        )
    assert _status(c["whole_window_passed"]) == CampaignStatus.ENDED
