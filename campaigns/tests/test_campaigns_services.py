"""Campaign services: create and edit with every check, launch, end, archive, and the
audience rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from advocacy.models import AuditLogEntry, Role
from campaigns.models import Campaign, CampaignItem, CampaignStatus, GoalMetric
from campaigns.selectors.campaigns import campaigns_for_member
from campaigns.services.campaigns import (
    campaign_archive,
    campaign_create,
    campaign_end,
    campaign_launch,
    campaign_update,
    clean_hashtags,
)
from content_library.models import Status
from content_library.tests.factories import ApprovedItemFactory, ContentItemFactory
from social.tests.conftest import png_bytes
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def manager(world, tenant="a"):
    return getattr(world, tenant).members[Role.MANAGER]


def create(world, **kw):
    now = timezone.now()
    kw.setdefault("name", "To be a partner")
    kw.setdefault("hashtags", "#ToBeAPartner")
    kw.setdefault("starts_at", now - timedelta(hours=1))
    kw.setdefault("ends_at", now + timedelta(days=7))
    return campaign_create(actor=kw.pop("actor", None) or manager(world), **kw)


def messages_of(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_create_derives_a_unique_slug_and_records_it(world):
    item = ApprovedItemFactory.create(organization=world.a.org)
    first = create(world, items=[item], description="**Be** there")
    second = create(world)
    other_org = create(world, actor=manager(world, "b"))
    assert first.slug == "to-be-a-partner" and second.slug == "to-be-a-partner-2"
    assert other_org.slug == "to-be-a-partner"  # unique per organization only
    assert first.status == CampaignStatus.DRAFT
    assert first.hashtags == ["ToBeAPartner"]
    assert list(CampaignItem.objects.filter(campaign=first).values_list("item_id", flat=True)) == [
        item.pk
    ]
    entry = AuditLogEntry.objects.get(action="campaign.created", target_id=str(first.pk))
    assert entry.organization == world.a.org and entry.actor == world.a.user(Role.MANAGER)


def test_hashtags_are_cleaned_and_checked_with_the_one_pattern():
    assert clean_hashtags("#ToBeAPartner, careers #tobeapartner #Žalia_2") == [
        "ToBeAPartner",
        "careers",
        "Žalia_2",
    ]
    assert clean_hashtags(["#A", "b"]) == ["A", "b"]
    for bad in ("#not-one", "two words#", "#", ""):
        with pytest.raises(ValidationError):
            clean_hashtags(bad)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "  "}, "name"),
        ({"hashtags": "#bad-tag"}, "hashtags"),
        ({"hashtags": ""}, "hashtags"),
        ({"goal_metric": "likes"}, "goal_metric"),
        ({"goal_target": 0}, "goal_target"),
        ({"points_multiplier": "-1"}, "points_multiplier"),
        ({"points_multiplier": "abc"}, "points_multiplier"),
        ({"prize": "x" * 301}, "prize"),
        ({"roles": ["owner"]}, "roles"),
        ({"departments": [999999]}, "departments"),
        ({"departments": ["x"]}, "departments"),
    ],
)
def test_bad_input_is_a_field_error(world, change, field):
    with pytest.raises(ValidationError) as exc:
        create(world, **change)
    assert field in messages_of(exc)
    assert not Campaign.objects.exists()


def test_dates_must_be_aware_and_in_order(world):
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        create(world, starts_at=now, ends_at=now - timedelta(hours=1))
    assert "ends_at" in messages_of(exc)
    with pytest.raises(ValidationError) as exc:
        create(world, starts_at=now.replace(tzinfo=None))
    assert "starts_at" in messages_of(exc)


def test_only_approved_items_of_the_organization(world):
    draft = ContentItemFactory.create(organization=world.a.org, status=Status.DRAFT)
    foreign = ApprovedItemFactory.create(organization=world.b.org)
    for items in ([draft], [foreign], [foreign.pk], ["nope"]):
        with pytest.raises(ValidationError) as exc:
            create(world, items=items)
        assert "items" in messages_of(exc)


def test_cover_image_is_checked_by_its_bytes_and_needs_a_description(world):
    bad = SimpleUploadedFile("cover.png", b"not an image", content_type="image/png")
    with pytest.raises(ValidationError) as exc:
        create(world, cover_image=bad, cover_alt_text="A team")
    assert "cover_image" in messages_of(exc)
    good = SimpleUploadedFile("cover.png", png_bytes(), content_type="image/png")
    with pytest.raises(ValidationError) as exc:
        create(world, cover_image=good)
    assert "cover_alt_text" in messages_of(exc)
    good = SimpleUploadedFile("cover.png", png_bytes(), content_type="image/png")
    campaign = create(world, cover_image=good, cover_alt_text="Our team at the summit")
    assert campaign.cover_image.name.startswith(f"campaigns/{world.a.org.pk}/")
    assert campaign.cover_alt_text == "Our team at the summit"


def test_only_campaign_managers_create_and_edit(world):
    for role in (Role.EMPLOYEE, Role.HR):
        with pytest.raises(PermissionDenied):
            create(world, actor=world.a.members[role])
    campaign = create(world)
    with pytest.raises(PermissionDenied):
        campaign_update(actor=world.a.members[Role.EMPLOYEE], campaign=campaign, name="X")
    with pytest.raises(ValidationError):  # another organization's manager: not found
        campaign_update(actor=manager(world, "b"), campaign=campaign, name="X")
    with pytest.raises(ValidationError):
        campaign_launch(actor=manager(world, "b"), campaign=campaign)


def test_update_changes_what_is_given_and_keeps_the_slug(world):
    campaign = create(world)
    item = ApprovedItemFactory.create(organization=world.a.org)
    campaign = campaign_update(
        actor=manager(world),
        campaign=campaign,
        name="Partners 2027",
        items=[item],
        locations=["Vilnius"],
        goal_metric=GoalMetric.CLICKS,
    )
    campaign.refresh_from_db()
    assert campaign.name == "Partners 2027" and campaign.slug == "to-be-a-partner"
    assert campaign.goal_metric == GoalMetric.CLICKS and not campaign.targets_everyone
    assert campaign.hashtags == ["ToBeAPartner"]
    entry = AuditLogEntry.objects.get(action="campaign.updated")
    assert set(entry.data["fields"]) >= {"name", "goal_metric", "items", "audience"}
    with pytest.raises(ValidationError) as exc:
        campaign_update(
            actor=manager(world), campaign=campaign, ends_at=campaign.starts_at - timedelta(1)
        )
    assert "ends_at" in messages_of(exc)


def test_launch_schedules_or_goes_live_and_needs_content(world):
    now = timezone.now()
    empty = create(world)
    with pytest.raises(ValidationError) as exc:
        campaign_launch(actor=manager(world), campaign=empty)
    assert "items" in messages_of(exc)
    item = ApprovedItemFactory.create(organization=world.a.org)
    started = create(world, items=[item])
    later = create(
        world, items=[item], starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=3)
    )
    assert campaign_launch(actor=manager(world), campaign=started).status == CampaignStatus.LIVE
    assert campaign_launch(actor=manager(world), campaign=later).status == CampaignStatus.SCHEDULED
    with pytest.raises(ValidationError):
        campaign_launch(actor=manager(world), campaign=later)  # not a draft any more
    assert AuditLogEntry.objects.filter(action="campaign.launched").count() == 2


def test_end_early_then_archive(world):
    item = ApprovedItemFactory.create(organization=world.a.org)
    campaign = create(world, items=[item])
    with pytest.raises(ValidationError):
        campaign_archive(actor=manager(world), campaign=campaign)  # a draft
    campaign_launch(actor=manager(world), campaign=campaign)
    ended = campaign_end(actor=manager(world), campaign=campaign)
    ended.refresh_from_db()
    assert ended.status == CampaignStatus.ENDED and ended.ends_at <= timezone.now()
    with pytest.raises(ValidationError):
        campaign_end(actor=manager(world), campaign=ended)
    with pytest.raises(ValidationError):
        campaign_update(actor=manager(world), campaign=ended, name="Again")
    archived = campaign_archive(actor=manager(world), campaign=ended)
    assert archived.status == CampaignStatus.ARCHIVED


def test_audience_follows_the_content_targeting_rule(world):
    org = world.a.org
    ops = DepartmentFactory.create(organization=org, name="Operations")
    sales_vilnius = MembershipFactory.create(
        organization=org,
        user=UserFactory.create(),
        department=world.a.department,
        location="Vilnius",
    )
    sales_london = MembershipFactory.create(
        organization=org,
        user=UserFactory.create(),
        department=world.a.department,
        location="London",
    )
    ops_vilnius = MembershipFactory.create(
        organization=org, user=UserFactory.create(), department=ops, location="vilnius"
    )
    everyone = create(world, name="Everyone")
    sales_in_vilnius = create(
        world, name="Sales in Vilnius", departments=[world.a.department], locations=["Vilnius"]
    )
    managers_only = create(world, name="Managers", roles=[Role.MANAGER])
    Campaign.objects.update(status=CampaignStatus.LIVE)

    def seen(m):
        return set(campaigns_for_member(membership=m).values_list("name", flat=True))

    assert seen(sales_vilnius) == {everyone.name, sales_in_vilnius.name}
    assert seen(sales_london) == {everyone.name}
    assert seen(ops_vilnius) == {everyone.name}
    assert seen(world.a.members[Role.MANAGER]) == {
        everyone.name,
        sales_in_vilnius.name,
        managers_only.name,
    }
    Campaign.objects.filter(pk=everyone.pk).update(status=CampaignStatus.DRAFT)
    assert everyone.name not in seen(sales_vilnius)  # drafts are the managers'
    assert not set(campaigns_for_member(membership=world.b.members[Role.ADMIN]))


def test_times_are_kept_exactly(world):
    start = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
    campaign = create(world, starts_at=start, ends_at=start + timedelta(days=1))
    campaign.refresh_from_db()
    assert campaign.starts_at == start
