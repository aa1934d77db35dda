"""Campaign pages for each role: the list, the form (bad input is a 400 with field errors),
the employee's page, the manager's results page, and launch / end / archive."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from advocacy.models import Role
from campaigns.models import Campaign, CampaignAudience, CampaignStatus
from campaigns.tests.factories import CampaignFactory, CampaignItemFactory
from content_library.tests.factories import ApprovedItemFactory
from social.models import ShareState
from social.tests.conftest import png_bytes
from social.tests.factories import ShareFactory
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = (Role.EMPLOYEE, Role.MANAGER, Role.HR, Role.ADMIN)


def url(world, name, *args):
    return reverse(name, args=[world.a.org.slug, *args])


@pytest.fixture
def live(world):
    campaign = CampaignFactory.create(
        organization=world.a.org,
        name="To be a partner",
        description="**Bold** brief <script>alert(1)</script>",
        prize="Dinner with the partners",
    )
    for n in range(3):
        CampaignItemFactory.create(
            campaign=campaign,
            item=ApprovedItemFactory.create(organization=world.a.org, title=f"Story {n}"),
        )
    return campaign


def test_list_for_each_role(client, world, live):
    CampaignFactory.create(organization=world.a.org, name="Old one", status=CampaignStatus.ENDED)
    CampaignFactory.create(organization=world.a.org, name="Draft one", status=CampaignStatus.DRAFT)
    CampaignFactory.create(organization=world.b.org, name="Theirs")
    for role in ROLES:
        client.force_login(world.a.user(role))
        resp = client.get(url(world, "campaigns_list"))
        html = resp.content.decode()
        assert resp.status_code == 200, role
        assert "To be a partner" in html and "Theirs" not in html
        manages = role in (Role.MANAGER, Role.ADMIN)
        assert ('data-testid="campaign-create"' in html) is manages
        assert ("Draft one" in html) is manages and ("Old one" in html) is manages


def test_manager_list_filters_by_status_and_refuses_a_bad_one(client, world, live):
    CampaignFactory.create(organization=world.a.org, name="Draft one", status=CampaignStatus.DRAFT)
    client.force_login(world.a.user(Role.MANAGER))
    html = client.get(url(world, "campaigns_list") + "?status=draft").content.decode()
    assert "Draft one" in html and "To be a partner" not in html
    assert client.get(url(world, "campaigns_list") + "?status=nope").status_code == 400


def test_list_queries_do_not_grow(client, world, django_assert_max_num_queries):
    client.force_login(world.a.user(Role.MANAGER))
    CampaignFactory.create(organization=world.a.org)
    with django_assert_max_num_queries(12) as first:
        client.get(url(world, "campaigns_list"))
    for _n in range(8):
        c = CampaignFactory.create(organization=world.a.org)
        ShareFactory.create(
            organization=world.a.org,
            membership=world.a.members[Role.EMPLOYEE],
            campaign=c,
            state=ShareState.PUBLISHED,
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(url(world, "campaigns_list"))


def test_employee_campaign_page(client, world, live):
    member = world.a.members[Role.EMPLOYEE]
    ShareFactory.create(
        organization=world.a.org,
        membership=member,
        campaign=live,
        state=ShareState.PUBLISHED,
        clicks=4,
    )
    client.force_login(member.user)
    resp = client.get(url(world, "campaign_detail", live.pk))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "<strong>Bold</strong>" in html and "<script>alert" not in html  # sanitised
    assert html.count('data-testid="campaign-item"') == 3
    assert reverse("share_compose", args=[world.a.org.slug, live.campaign_items.first().item_id])
    assert "data-open-composer" in html and "#ToBeAPartner" in html
    assert 'data-testid="campaign-progress"' in html and "1 of 100" in html
    assert 'data-testid="campaign-mine"' in html and "Dinner with the partners" in html
    assert html.count('<details class="cp-def">') >= 3  # every figure has its definition


def test_employee_cannot_open_a_campaign_not_for_them(client, world, live):
    CampaignAudience.objects.create(
        organization=world.a.org, campaign=live, dimension="role", value=Role.MANAGER
    )
    client.force_login(world.a.employee)
    assert client.get(url(world, "campaign_detail", live.pk)).status_code == 404
    draft = CampaignFactory.create(organization=world.a.org, status=CampaignStatus.DRAFT)
    assert client.get(url(world, "campaign_detail", draft.pk)).status_code == 404
    client.force_login(world.a.user(Role.MANAGER))
    assert client.get(url(world, "campaign_detail", draft.pk)).status_code == 200


def test_results_page_for_managers_only_with_bounded_queries(
    client, world, live, django_assert_max_num_queries
):
    client.force_login(world.a.employee)
    assert client.get(url(world, "campaign_results", live.pk)).status_code == 403
    client.force_login(world.a.user(Role.MANAGER))
    with django_assert_max_num_queries(25) as first:
        resp = client.get(url(world, "campaign_results", live.pk))
    assert resp.status_code == 200
    for n in range(10):
        member = MembershipFactory.create(
            organization=world.a.org, user=UserFactory.create(), department=world.a.department
        )
        ShareFactory.create(
            organization=world.a.org,
            membership=member,
            campaign=live,
            state=ShareState.PUBLISHED,
            published_at=live.starts_at + timedelta(hours=n),
            impressions=n * 10,
            network="x" if n % 2 else "linkedin",
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        resp = client.get(url(world, "campaign_results", live.pk))
    html = resp.content.decode()
    assert 'data-testid="campaign-participants"' in html and "Sales" in html
    assert 'class="cp-chart"' in html and "<table" in html
    assert "style=" not in html.split("<main")[-1]  # CSP: no inline styles


def _form(**kw):
    now = timezone.localtime(timezone.now())
    data = {
        "name": "Spring stories",
        "description": "Share *our* spring.",
        "hashtags": "#Spring #Stories",
        "goal_metric": "clicks",
        "goal_target": "200",
        "starts_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + timedelta(days=8)).strftime("%Y-%m-%dT%H:%M"),
        "points_multiplier": "1.5",
        "prize": "A bike",
        "locations": "Vilnius, Kaunas",
        "roles": [Role.EMPLOYEE],
    }
    data.update(kw)
    return data


def test_create_edit_launch_end_archive_through_the_pages(client, world):
    item = ApprovedItemFactory.create(organization=world.a.org)
    client.force_login(world.a.user(Role.MANAGER))
    assert client.get(url(world, "campaign_create")).status_code == 200
    cover = SimpleUploadedFile("c.png", png_bytes(), content_type="image/png")
    resp = client.post(
        url(world, "campaign_create"),
        _form(
            items=[item.pk],
            departments=[world.a.department.pk],
            cover_image=cover,
            cover_alt_text="Bikes",
        ),
    )
    campaign = Campaign.objects.get(organization=world.a.org)
    assert resp.status_code == 302 and resp["Location"] == url(
        world, "campaign_results", campaign.pk
    )
    assert campaign.hashtags == ["Spring", "Stories"] and campaign.slug == "spring-stories"
    assert str(campaign.points_multiplier) == "1.50" and campaign.cover_image
    assert client.get(url(world, "campaign_edit", campaign.pk)).status_code == 200
    resp = client.post(
        url(world, "campaign_edit", campaign.pk),
        _form(name="Spring stories 2027", items=[item.pk], cover_alt_text="Bikes"),
    )
    assert resp.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "Spring stories 2027" and campaign.slug == "spring-stories"
    client.post(url(world, "campaign_launch", campaign.pk))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SCHEDULED
    Campaign.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.LIVE, starts_at=timezone.now() - timedelta(hours=1)
    )
    client.post(url(world, "campaign_end", campaign.pk))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ENDED
    resp = client.post(url(world, "campaign_end", campaign.pk), follow=True)
    assert "Only a live campaign can be ended." in resp.content.decode()
    client.post(url(world, "campaign_archive", campaign.pk))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ARCHIVED


@pytest.mark.parametrize(
    ("change", "field_text"),
    [
        ({"hashtags": "#no-dash"}, "is not a hashtag"),
        ({"name": ""}, "This field is required"),
        ({"goal_target": "0"}, "greater than or equal to 1"),
        ({"ends_at": "2020-01-01T10:00"}, "must end after it starts"),
        ({"starts_at": "yesterday"}, "Enter a valid date/time"),
        ({"goal_metric": "likes"}, "Select a valid choice"),
        ({"items": ["999999"]}, "Select a valid choice"),
    ],
)
def test_bad_input_is_a_400_with_the_field_error(client, world, change, field_text):
    client.force_login(world.a.user(Role.MANAGER))
    resp = client.post(url(world, "campaign_create"), _form(**change))
    assert resp.status_code == 400
    assert field_text in resp.content.decode()
    assert not Campaign.objects.exists()


def test_another_organizations_item_is_not_offered(client, world):
    theirs = ApprovedItemFactory.create(organization=world.b.org, title="Their secret")
    client.force_login(world.a.user(Role.MANAGER))
    assert "Their secret" not in client.get(url(world, "campaign_create")).content.decode()
    resp = client.post(url(world, "campaign_create"), _form(items=[theirs.pk]))
    assert resp.status_code == 400


def test_employees_cannot_write(client, world, live):
    client.force_login(world.a.employee)
    assert client.get(url(world, "campaign_create")).status_code == 403
    assert client.post(url(world, "campaign_create"), _form()).status_code == 403
    assert client.post(url(world, "campaign_end", live.pk)).status_code == 403
    assert client.get(url(world, "campaign_edit", live.pk)).status_code == 403
    live.refresh_from_db()
    assert live.status == CampaignStatus.LIVE
