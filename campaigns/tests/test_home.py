"""The organization's home: the employee's points, ranks, live campaigns and what is new to
share; the manager's live campaigns and their progress. Bounded queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campaigns.models import CampaignStatus, PointsAction
from campaigns.services.ledger import points_entry_append
from campaigns.tests.factories import CampaignFactory, CampaignItemFactory
from content_library.tests.factories import ApprovedItemFactory

pytestmark = pytest.mark.django_db


def _home(client, member):
    client.force_login(member.user)
    return client.get(reverse("org_home", args=[member.organization.slug]))


def test_employee_home_shows_points_rank_campaigns_and_new_content(client, world):
    employee = world.a.members["employee"]
    org = world.a.org
    points_entry_append(
        membership=employee, action=PointsAction.SHARE_PUBLISHED, points=42, dedupe_key="h1"
    )
    campaign = CampaignFactory.create(organization=org, name="Spring push", goal_target=10)
    CampaignItemFactory.create(
        campaign=campaign, item=ApprovedItemFactory.create(organization=org, title="Ovens")
    )
    CampaignFactory.create(organization=org, name="Not yet", status=CampaignStatus.SCHEDULED)
    ApprovedItemFactory.create(organization=org, title="Fresh news")
    # Another tenant's campaign never shows.
    CampaignFactory.create(organization=world.b.org, name="Other tenant's")

    response = _home(client, employee)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="home-lifetime">42<' in body
    assert 'data-testid="home-rank">#1 of 1<' in body
    assert "Spring push" in body and "Not yet" not in body and "Other tenant" not in body
    assert "Fresh news" in body


def test_employee_home_query_count_does_not_grow_with_campaigns(
    client, world, django_assert_max_num_queries
):
    employee = world.a.members["employee"]
    for n in range(2):
        CampaignFactory.create(organization=world.a.org, name=f"C{n}")
    client.force_login(employee.user)
    url = reverse("org_home", args=[world.a.org.slug])
    client.get(url)
    import django.db
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(django.db.connection) as first:
        client.get(url)
    for n in range(2, 6):
        CampaignFactory.create(organization=world.a.org, name=f"C{n}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(url)


def test_manager_home_shows_live_campaigns_progress(client, world):
    manager = world.a.members["manager"]
    CampaignFactory.create(organization=world.a.org, name="Launch week", goal_target=50)
    response = _home(client, manager)
    body = response.content.decode()
    assert 'data-testid="home-live-campaigns"' in body
    assert "Launch week" in body and 'data-testid="campaign-progress"' in body
