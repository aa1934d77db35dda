"""Rewards API: the catalogue for members, writes for managers, redemptions and their verbs."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from campaigns.models import PointsAction, PointsBalance, Redemption, Reward
from campaigns.services.ledger import points_entry_append
from campaigns.services.rewards import reward_redeem
from tests.factories import MembershipFactory

from .factories import RedemptionFactory, RewardFactory

pytestmark = pytest.mark.django_db


def give(member, points: int) -> None:
    points_entry_append(
        membership=member,
        action=PointsAction.ADJUSTMENT,
        points=points,
        dedupe_key=f"welcome:{member.pk}",
    )


def api(org, suffix: str) -> str:
    return f"/api/v1/orgs/{org.slug}/{suffix}"


def test_members_list_active_rewards_and_managers_see_all(world, api_client):
    a = world.a
    on = RewardFactory.create(organization=a.org, cost=10, stock=None)
    off = RewardFactory.create(organization=a.org, cost=10, is_active=False)
    RewardFactory.create(organization=world.b.org)
    api_client.force_authenticate(a.employee)
    body = api_client.get(api(a.org, "rewards/")).json()
    assert [r["id"] for r in body["results"]] == [on.pk]
    assert body["results"][0]["stock"] is None and body["results"][0]["image_url"] is None
    assert api_client.get(api(a.org, f"rewards/{off.pk}/")).status_code == 404
    api_client.force_authenticate(a.user("manager"))
    ids = {r["id"] for r in api_client.get(api(a.org, "rewards/")).json()["results"]}
    assert ids == {on.pk, off.pk}
    inactive = api_client.get(api(a.org, "rewards/?active=false")).json()["results"]
    assert [r["id"] for r in inactive] == [off.pk]
    assert api_client.get(api(a.org, "rewards/?active=maybe")).status_code == 400


def test_managers_create_and_edit_rewards_employees_cannot(world, api_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a = world.a
    api_client.force_authenticate(a.employee)
    assert api_client.post(api(a.org, "rewards/"), {"name": "Mug", "cost": 5}).status_code == 403
    api_client.force_authenticate(a.user("manager"))
    assert (
        api_client.post(api(a.org, "rewards/"), {"name": "Mug"}, format="json").status_code == 400
    )
    assert (
        api_client.post(
            api(a.org, "rewards/"), {"name": "Mug", "cost": 0}, format="json"
        ).status_code
        == 400
    )
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="PNG")
    image = SimpleUploadedFile("m.png", buffer.getvalue(), content_type="image/png")
    created = api_client.post(
        api(a.org, "rewards/"),
        {"name": "Mug", "cost": 5, "stock": 2, "image": image, "image_alt_text": "A blue mug"},
        format="multipart",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["image_url"].startswith(f"/media/rewards/{a.org.pk}/")
    reward_id = created.json()["id"]
    edited = api_client.patch(
        api(a.org, f"rewards/{reward_id}/"), {"stock": None, "is_active": False}, format="json"
    )
    assert edited.status_code == 200
    assert edited.json()["stock"] is None and edited.json()["is_active"] is False
    bad = api_client.patch(api(a.org, f"rewards/{reward_id}/"), {"cost": "lots"}, format="json")
    assert bad.status_code == 400


def test_redeem_through_the_api_with_an_idempotency_key(world, api_client):
    a = world.a
    employee = a.members["employee"]
    give(employee, 100)
    reward = RewardFactory.create(organization=a.org, cost=40, stock=3)
    api_client.force_authenticate(a.employee)
    body = {"reward": reward.pk, "request_key": "abc"}
    first = api_client.post(api(a.org, "redemptions/"), body, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["status"] == "requested" and first.json()["cost"] == 40
    again = api_client.post(api(a.org, "redemptions/"), body, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Redemption.objects.count() == 1
    assert PointsBalance.objects.get(membership=employee).spendable == 60
    poor = api_client.post(
        api(a.org, "redemptions/"), {"reward": reward.pk, "request_key": "x"}, format="json"
    )
    poor2 = api_client.post(api(a.org, "redemptions/"), {"reward": reward.pk}, format="json")
    assert poor.status_code == 201 and poor2.status_code == 400
    assert "points" in poor2.json()["errors"]
    foreign = RewardFactory.create(organization=world.b.org, cost=1)
    for bad in ({"reward": foreign.pk}, {"reward": "x"}, {}, {"reward": 2**40}):
        assert api_client.post(api(a.org, "redemptions/"), bad, format="json").status_code == 400


def test_redemption_lists_mine_and_managers_all(world, api_client, django_assert_max_num_queries):
    a = world.a
    employee = a.members["employee"]
    give(employee, 100)
    reward = RewardFactory.create(organization=a.org, cost=10, stock=None)
    mine = reward_redeem(actor=employee, reward=reward)
    theirs = RedemptionFactory.create(reward=reward)
    RedemptionFactory.create(reward=RewardFactory.create(organization=world.b.org))
    api_client.force_authenticate(a.employee)
    rows = api_client.get(api(a.org, "redemptions/")).json()["results"]
    assert [r["id"] for r in rows] == [mine.pk]
    assert api_client.get(api(a.org, f"redemptions/{theirs.pk}/")).status_code == 404
    api_client.force_authenticate(a.user("manager"))
    rows = api_client.get(api(a.org, "redemptions/")).json()["results"]
    assert {r["id"] for r in rows} == {mine.pk, theirs.pk}
    assert api_client.get(api(a.org, "redemptions/?mine=true")).json()["results"] == []
    assert api_client.get(api(a.org, "redemptions/?status=nope")).status_code == 400
    for _ in range(20):
        RedemptionFactory.create(reward=reward)
    with django_assert_max_num_queries(10):
        rows = api_client.get(api(a.org, "redemptions/?status=requested")).json()["results"]
    assert len(rows) == 22 and rows[0]["member"]["name"]


def test_decisions_through_the_api(world, api_client):
    a = world.a
    employee = a.members["employee"]
    give(employee, 100)
    reward = RewardFactory.create(organization=a.org, cost=30, stock=1)
    first = reward_redeem(actor=employee, reward=reward)
    api_client.force_authenticate(a.employee)
    assert api_client.post(api(a.org, f"redemptions/{first.pk}/approve/")).status_code == 403
    api_client.force_authenticate(a.user("manager"))
    assert (
        api_client.post(
            api(a.org, f"redemptions/{first.pk}/reject/"), {}, format="json"
        ).status_code
        == 400
    )
    rejected = api_client.post(
        api(a.org, f"redemptions/{first.pk}/reject/"), {"reason": "Out of budget"}, format="json"
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert rejected.json()["decision_note"] == "Out of budget"
    assert Reward.objects.get(pk=reward.pk).stock == 1
    assert PointsBalance.objects.get(membership=employee).spendable == 100
    assert api_client.post(api(a.org, f"redemptions/{first.pk}/approve/")).status_code == 400
    second = reward_redeem(actor=employee, reward=reward)
    assert (
        api_client.post(
            api(a.org, f"redemptions/{second.pk}/approve/"), {"note": "Yes"}, format="json"
        ).status_code
        == 200
    )
    done = api_client.post(
        api(a.org, f"redemptions/{second.pk}/fulfil/"), {"note": "Sent"}, format="json"
    )
    assert done.status_code == 200 and done.json()["fulfilment_note"] == "Sent"


def test_cancel_is_the_requesters_own(world, api_client):
    a = world.a
    employee = a.members["employee"]
    give(employee, 100)
    reward = RewardFactory.create(organization=a.org, cost=30, stock=1)
    redemption = reward_redeem(actor=employee, reward=reward)
    api_client.force_authenticate(a.user("manager"))
    assert api_client.post(api(a.org, f"redemptions/{redemption.pk}/cancel/")).status_code == 403
    colleague = MembershipFactory.create(organization=a.org)
    api_client.force_authenticate(colleague.user)
    assert api_client.post(api(a.org, f"redemptions/{redemption.pk}/cancel/")).status_code == 404
    api_client.force_authenticate(a.employee)
    done = api_client.post(api(a.org, f"redemptions/{redemption.pk}/cancel/"))
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    assert Reward.objects.get(pk=reward.pk).stock == 1


def test_the_schema_documents_rewards_and_redemptions(world, api_client):
    api_client.force_authenticate(world.a.employee)
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert "/api/v1/orgs/{org_slug}/rewards/" in paths
    assert "/api/v1/orgs/{org_slug}/redemptions/{redemption_id}/reject/" in paths
    assert "post" in paths["/api/v1/orgs/{org_slug}/redemptions/"]
