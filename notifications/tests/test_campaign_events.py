"""Campaigns and recognition tell people: a campaign launched for them, a raffle won, a
reward request waiting (managers) and decided (the member)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from advocacy.models import Role
from campaigns.models import (
    CampaignAudienceDimension,
    CampaignStatus,
    PointsAction,
)
from campaigns.services.campaigns import campaign_launch
from campaigns.services.ledger import points_entry_append
from campaigns.services.raffles import raffle_close, raffle_create, raffle_draw_winners
from campaigns.services.rewards import redemption_approve, reward_redeem
from campaigns.tests.factories import CampaignFactory, CampaignItemFactory, RewardFactory
from content_library.tests.factories import ApprovedItemFactory
from notifications.events import render
from notifications.models import Notification
from social.models import ShareState
from social.tests.factories import ShareFactory

pytestmark = pytest.mark.django_db


def _events(member):
    return list(Notification.objects.filter(membership=member).values_list("event", flat=True))


def test_a_launched_campaign_tells_its_audience_only(world, django_capture_on_commit_callbacks):
    org = world.a.org
    employee, hr = world.a.members[Role.EMPLOYEE], world.a.members[Role.HR]
    campaign = CampaignFactory.create(
        organization=org,
        name="Partners month",
        status=CampaignStatus.DRAFT,
        targets_everyone=False,
        starts_at=timezone.now() - timedelta(hours=1),
    )
    campaign.audience.create(
        organization=org, dimension=CampaignAudienceDimension.ROLE, value=Role.EMPLOYEE
    )
    CampaignItemFactory.create(campaign=campaign, item=ApprovedItemFactory.create(organization=org))
    with django_capture_on_commit_callbacks(execute=True):
        campaign_launch(actor=world.a.members[Role.MANAGER], campaign=campaign)
    assert _events(employee) == ["campaign_launched"]
    assert _events(hr) == []
    note = Notification.objects.get(membership=employee)
    assert "Partners month" in render(note.event, note.params)[0]
    assert not Notification.objects.filter(organization=world.b.org).exists()


def test_the_raffle_winner_is_told(world, django_capture_on_commit_callbacks):
    org = world.a.org
    employee, manager = world.a.members[Role.EMPLOYEE], world.a.members[Role.MANAGER]
    campaign = CampaignFactory.create(organization=org)
    ShareFactory.create(
        membership=employee,
        campaign=campaign,
        state=ShareState.PUBLISHED,
        published_at=timezone.now(),
    )
    raffle = raffle_create(
        actor=manager,
        campaign=campaign,
        title="Draw",
        prize="Lunch",
        closes_at=timezone.now() + timedelta(days=1),
    )
    raffle_close(actor=manager, raffle=raffle)
    with django_capture_on_commit_callbacks(execute=True):
        raffle_draw_winners(actor=manager, raffle=raffle)
    assert _events(employee) == ["raffle_won"]
    assert _events(manager) == []


def test_reward_requests_tell_managers_and_decisions_tell_the_member(
    world, django_capture_on_commit_callbacks
):
    employee, manager = world.a.members[Role.EMPLOYEE], world.a.members[Role.MANAGER]
    points_entry_append(
        membership=employee, action=PointsAction.ADJUSTMENT, points=100, dedupe_key="gift"
    )
    reward = RewardFactory.create(organization=world.a.org, name="Mug", cost=50)
    with django_capture_on_commit_callbacks(execute=True):
        redemption = reward_redeem(actor=employee, reward=reward)
    assert "redemption_waiting" in _events(manager)
    assert "redemption_waiting" not in _events(employee)
    with django_capture_on_commit_callbacks(execute=True):
        redemption_approve(actor=manager, redemption=redemption)
    assert _events(employee) == ["redemption_approved"]
    note = Notification.objects.get(membership=employee)
    assert "Mug" in render(note.event, note.params)[0]
