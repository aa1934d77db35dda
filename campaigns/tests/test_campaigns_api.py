"""The campaigns API: members read the campaigns for them; managers read all, write, launch,
end and archive, and read results. Bad input is a 400 naming the field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from advocacy.models import Role
from campaigns.models import Campaign, CampaignAudience, CampaignStatus
from campaigns.tests.factories import CampaignFactory, CampaignItemFactory
from content_library.tests.factories import ApprovedItemFactory
from social.models import ShareState
from social.tests.factories import ShareFactory

pytestmark = pytest.mark.django_db


def base(world, tenant="a"):
    return f"/api/v1/orgs/{getattr(world, tenant).org.slug}/campaigns/"


@pytest.fixture
def live(world):
    campaign = CampaignFactory.create(organization=world.a.org, name="Live one")
    CampaignItemFactory.create(
        campaign=campaign, item=ApprovedItemFactory.create(organization=world.a.org)
    )
    return campaign


def _payload(world, **kw):
    now = timezone.now()
    data = {
        "name": "API campaign",
        "hashtags": ["#ToBeAPartner", "Careers"],
        "goal_metric": "impressions",
        "goal_target": 5000,
        "starts_at": (now + timedelta(days=1)).isoformat(),
        "ends_at": (now + timedelta(days=9)).isoformat(),
        "items": [ApprovedItemFactory.create(organization=world.a.org).pk],
        "roles": ["employee"],
    }
    data.update(kw)
    return data


def test_members_list_the_campaigns_for_them(
    api_client, world, live, django_assert_max_num_queries
):
    CampaignFactory.create(organization=world.a.org, name="Draft", status=CampaignStatus.DRAFT)
    hidden = CampaignFactory.create(organization=world.a.org, name="Managers only")
    CampaignAudience.objects.create(
        organization=world.a.org, campaign=hidden, dimension="role", value="manager"
    )
    CampaignFactory.create(organization=world.b.org, name="Theirs")
    api_client.force_authenticate(world.a.employee)
    with django_assert_max_num_queries(10):
        data = api_client.get(base(world)).json()
    assert [c["name"] for c in data["results"]] == ["Live one"]
    assert data["results"][0]["items"] == [live.campaign_items.get().item_id]
    assert data["results"][0]["hashtags"] == ["ToBeAPartner"]
    api_client.force_authenticate(world.a.user(Role.MANAGER))
    names = {c["name"] for c in api_client.get(base(world)).json()["results"]}
    assert names == {"Live one", "Draft", "Managers only"}
    drafts = api_client.get(base(world) + "?status=draft").json()["results"]
    assert [c["name"] for c in drafts] == ["Draft"]
    assert api_client.get(base(world) + "?status=nope").status_code == 400


def test_retrieve_progress_and_the_same_404_for_foreign_ids(api_client, world, live):
    ShareFactory.create(
        organization=world.a.org,
        membership=world.a.members[Role.EMPLOYEE],
        campaign=live,
        state=ShareState.PUBLISHED,
    )
    theirs = CampaignFactory.create(organization=world.b.org)
    api_client.force_authenticate(world.a.employee)
    assert api_client.get(f"{base(world)}{live.pk}/").json()["slug"] == live.slug
    progress = api_client.get(f"{base(world)}{live.pk}/progress/").json()
    assert progress["value"] == 1 and progress["metric"] == "shares"
    assert api_client.get(f"{base(world)}{theirs.pk}/").status_code == 404
    assert api_client.get(f"{base(world)}{live.pk}/results/").status_code == 403


def test_managers_create_update_launch_end_archive(api_client, world):
    api_client.force_authenticate(world.a.user(Role.MANAGER))
    resp = api_client.post(base(world), _payload(world), format="json")
    assert resp.status_code == 201, resp.json()
    data = resp.json()
    assert data["status"] == "draft" and data["hashtags"] == ["ToBeAPartner", "Careers"]
    assert data["slug"] == "api-campaign"
    url = f"{base(world)}{data['id']}/"
    resp = api_client.patch(url, {"name": "Renamed", "prize": "Bikes"}, format="json")
    assert resp.status_code == 200 and resp.json()["name"] == "Renamed"
    assert resp.json()["slug"] == "api-campaign"
    assert api_client.post(f"{url}launch/").json()["status"] == "scheduled"
    assert api_client.post(f"{url}end/").status_code == 400  # not live yet
    Campaign.objects.filter(pk=data["id"]).update(
        status=CampaignStatus.LIVE, starts_at=timezone.now() - timedelta(hours=1)
    )
    assert api_client.post(f"{url}end/").json()["status"] == "ended"
    assert api_client.post(f"{url}archive/").json()["status"] == "archived"
    results = api_client.get(f"{url}results/").json()
    assert set(results) == {
        "progress",
        "totals",
        "by_department",
        "by_network",
        "participants",
        "top_posts",
        "trend",
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hashtags": ["#no-dash"]}, "hashtags"),
        ({"hashtags": []}, "hashtags"),
        ({"goal_metric": "likes"}, "goal_metric"),
        ({"goal_target": 0}, "goal_target"),
        ({"starts_at": "soon"}, "starts_at"),
        ({"items": [999999]}, "items"),
        ({"roles": ["owner"]}, "roles"),
        ({"departments": [999999]}, "departments"),
        ({"points_multiplier": "11"}, "points_multiplier"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_client, world, change, field):
    api_client.force_authenticate(world.a.user(Role.MANAGER))
    resp = api_client.post(base(world), _payload(world, **change), format="json")
    assert resp.status_code == 400
    assert field in str(resp.json())
    assert not Campaign.objects.exists()


def test_dates_in_the_wrong_order_are_a_400(api_client, world):
    api_client.force_authenticate(world.a.user(Role.MANAGER))
    now = timezone.now()
    resp = api_client.post(
        base(world),
        _payload(world, starts_at=now.isoformat(), ends_at=(now - timedelta(1)).isoformat()),
        format="json",
    )
    assert resp.status_code == 400 and "ends_at" in str(resp.json())


def test_employees_and_other_tenants_cannot_write(api_client, world, live):
    api_client.force_authenticate(world.a.employee)
    assert api_client.post(base(world), _payload(world), format="json").status_code == 403
    assert (
        api_client.patch(f"{base(world)}{live.pk}/", {"name": "x"}, format="json").status_code
        == 403
    )
    assert api_client.post(f"{base(world)}{live.pk}/end/").status_code == 403
    api_client.force_authenticate(world.b.user(Role.MANAGER))
    assert api_client.post(f"{base(world, 'b')}{live.pk}/end/").status_code == 404
    assert api_client.post(f"{base(world)}{live.pk}/end/").status_code == 404  # not a member
    live.refresh_from_db()
    assert live.status == CampaignStatus.LIVE and live.name == "Live one"
