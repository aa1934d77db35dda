"""Rewards pages: the catalogue, redeeming, my requests, the managers' queue and the form."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from advocacy.models import AuditLogEntry
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
        note="Welcome bonus",
    )


def png(name: str = "prize.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def url(org, suffix: str = "") -> str:
    return f"/o/{org.slug}/rewards/{suffix}"


def test_catalogue_shows_points_and_disables_what_i_cannot_afford(world, client):
    a = world.a
    employee = a.members["employee"]
    give(employee, 150)
    cheap = RewardFactory.create(organization=a.org, name="Sticker", cost=100, stock=None)
    dear = RewardFactory.create(organization=a.org, name="Headphones", cost=400, stock=2)
    empty = RewardFactory.create(organization=a.org, name="Hoodie", cost=50, stock=0)
    hidden = RewardFactory.create(organization=a.org, name="Old mug", cost=10, is_active=False)
    RewardFactory.create(organization=world.b.org, name="Other org's prize", cost=1)
    client.force_login(a.employee)
    page = client.get(url(a.org)).content.decode()
    assert 'data-testid="spendable">150<' in page
    assert "What are spendable points?" in page
    assert "Sticker" in page and "Headphones" in page and "Hoodie" in page
    assert "Old mug" not in page and "Other org" not in page

    def card(reward) -> str:
        found = re.search(rf'data-reward="{reward.pk}">(.*?)</li>', page, re.S)
        assert found is not None
        return found.group(1)

    assert "disabled" not in card(cheap)
    assert "disabled" in card(dear) and "You need 250 more points." in card(dear)
    assert "disabled" in card(empty) and "Out of stock" in card(empty)
    assert "Unlimited" in card(cheap) and "2 left" in card(dear)
    assert "Edit" not in page and hidden.pk


def test_managers_see_inactive_rewards_and_edit_links(world, client):
    a = world.a
    RewardFactory.create(organization=a.org, name="Old mug", cost=10, is_active=False)
    client.force_login(a.user("manager"))
    page = client.get(url(a.org)).content.decode()
    assert "Old mug" in page and "Not offered" in page and "Add a reward" in page


def test_redeeming_from_the_page_holds_points_and_lists_the_request(world, client):
    a = world.a
    employee = a.members["employee"]
    give(employee, 300)
    reward = RewardFactory.create(organization=a.org, name="Lunch", cost=120, stock=1)
    client.force_login(a.employee)
    response = client.post(url(a.org, f"{reward.pk}/redeem/"), {"request_key": "k1"})
    assert response.status_code == 302 and response["Location"] == url(a.org, "mine/")
    # A double submit of the same form makes nothing more.
    again = client.post(url(a.org, f"{reward.pk}/redeem/"), {"request_key": "k1"})
    assert again.status_code == 302
    assert Redemption.objects.count() == 1
    assert Reward.objects.get(pk=reward.pk).stock == 0
    assert PointsBalance.objects.get(membership=employee).spendable == 180
    page = client.get(url(a.org, "mine/")).content.decode()
    assert "Lunch" in page and 'data-status="requested"' in page and "Withdraw" in page
    # The last unit is gone: a colleague is told so, with 400.
    colleague = a.members["manager"]
    give(colleague, 300)
    client.force_login(a.user("manager"))
    refused = client.post(url(a.org, f"{reward.pk}/redeem/"), {"request_key": "k2"})
    assert refused.status_code == 400
    assert "out of stock" in refused.content.decode()
    assert Redemption.objects.count() == 1


def test_redeeming_without_enough_points_or_a_token_is_a_400(world, client):
    a = world.a
    reward = RewardFactory.create(organization=a.org, cost=120, stock=1)
    client.force_login(a.employee)
    poor = client.post(url(a.org, f"{reward.pk}/redeem/"), {"request_key": "k"})
    assert poor.status_code == 400
    assert "points to spend" in poor.content.decode()
    no_token = client.post(url(a.org, f"{reward.pk}/redeem/"), {})
    assert no_token.status_code == 400
    assert not Redemption.objects.exists()
    assert client.get(url(a.org, f"{reward.pk}/redeem/")).status_code == 405


def test_another_organizations_reward_is_404(world, client):
    give(world.a.members["employee"], 100)
    foreign = RewardFactory.create(organization=world.b.org, cost=1, stock=3)
    client.force_login(world.a.employee)
    assert (
        client.post(url(world.a.org, f"{foreign.pk}/redeem/"), {"request_key": "k"}).status_code
        == 404
    )
    assert Reward.objects.get(pk=foreign.pk).stock == 3


def test_withdrawing_my_request_and_not_a_colleagues(world, client):
    a = world.a
    employee = a.members["employee"]
    give(employee, 100)
    reward = RewardFactory.create(organization=a.org, cost=40, stock=1)
    mine = reward_redeem(actor=employee, reward=reward)
    colleague = MembershipFactory.create(organization=a.org)
    give(colleague, 100)
    other = reward_redeem(actor=colleague, reward=RewardFactory.create(organization=a.org, cost=5))
    client.force_login(a.employee)
    assert client.post(url(a.org, f"mine/{other.pk}/cancel/")).status_code == 404
    response = client.post(url(a.org, f"mine/{mine.pk}/cancel/"))
    assert response.status_code == 302
    assert Redemption.objects.get(pk=mine.pk).status == "cancelled"
    assert PointsBalance.objects.get(membership=employee).spendable == 100
    stale = client.post(url(a.org, f"mine/{mine.pk}/cancel/"))
    assert stale.status_code == 400 and "cannot be changed" in stale.content.decode()


def test_the_queue_decides_and_employees_cannot(world, client):
    a = world.a
    employee = a.members["employee"]
    give(employee, 100)
    reward = RewardFactory.create(organization=a.org, cost=30, stock=2)
    redemption = reward_redeem(actor=employee, reward=reward)
    client.force_login(a.employee)
    assert client.get(url(a.org, "redemptions/")).status_code == 403
    decide = url(a.org, f"redemptions/{redemption.pk}/decide/")
    assert client.post(decide, {"decision": "approve"}).status_code == 403
    client.force_login(a.user("manager"))
    page = client.get(url(a.org, "redemptions/?status=requested")).content.decode()
    assert f'data-redemption="{redemption.pk}"' in page and "Requested: 1" in page
    no_reason = client.post(decide, {"decision": "reject", "note": ""})
    assert no_reason.status_code == 400 and "Tell your colleague why" in no_reason.content.decode()
    assert client.post(decide, {"decision": "explode"}).status_code == 400
    ok = client.post(
        decide, {"decision": "approve", "next": url(a.org, "redemptions/?status=requested")}
    )
    assert ok.status_code == 302 and ok["Location"].endswith("?status=requested")
    assert client.post(decide, {"decision": "approve"}).status_code == 400  # decided already
    assert (
        client.post(decide, {"decision": "fulfil", "note": "Given at reception"}).status_code == 302
    )
    done = Redemption.objects.get(pk=redemption.pk)
    assert done.status == "fulfilled" and done.fulfilment_note == "Given at reception"
    assert client.get(url(a.org, "redemptions/?status=bogus")).status_code == 400


def test_queue_query_count_does_not_grow_with_requests(
    world, client, django_assert_max_num_queries
):
    a = world.a
    client.force_login(a.user("manager"))
    reward = RewardFactory.create(organization=a.org, cost=1, stock=None)
    RedemptionFactory.create(reward=reward)
    client.get(url(a.org, "redemptions/"))
    with django_assert_max_num_queries(12) as few:
        client.get(url(a.org, "redemptions/"))
    for _ in range(25):
        RedemptionFactory.create(reward=RewardFactory.create(organization=a.org, cost=2))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url(a.org, "redemptions/")).content.decode()
    assert page.count("data-redemption=") == 26


def test_catalogue_and_mine_query_counts_are_constant(world, client, django_assert_max_num_queries):
    a = world.a
    employee = a.members["employee"]
    give(employee, 1000)
    client.force_login(a.employee)
    for _ in range(2):
        reward_redeem(actor=employee, reward=RewardFactory.create(organization=a.org, cost=1))
    client.get(url(a.org))
    with django_assert_max_num_queries(12) as catalogue:
        client.get(url(a.org))
    with django_assert_max_num_queries(12) as mine:
        client.get(url(a.org, "mine/"))
    for _ in range(20):
        reward_redeem(actor=employee, reward=RewardFactory.create(organization=a.org, cost=1))
    with django_assert_max_num_queries(len(catalogue.captured_queries)):
        client.get(url(a.org))
    with django_assert_max_num_queries(len(mine.captured_queries)):
        page = client.get(url(a.org, "mine/")).content.decode()
    assert page.count("data-redemption=") == 22


def test_a_manager_adds_and_edits_a_reward_with_an_image(world, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a = world.a
    client.force_login(a.user("manager"))
    assert client.get(url(a.org, "new/")).status_code == 200
    response = client.post(
        url(a.org, "new/"),
        {
            "name": "Team lunch",
            "cost": "500",
            "stock": "",
            "image": png(),
            "image_alt_text": "A lunch table",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    reward = Reward.objects.get(name="Team lunch")
    assert reward.stock is None and reward.is_active and reward.cost == 500
    assert reward.image.name.startswith(f"rewards/{a.org.pk}/")
    edit = url(a.org, f"{reward.pk}/edit/")
    page = client.get(edit).content.decode()
    assert "Remove the image" in page and 'value="Team lunch"' in page
    response = client.post(
        edit, {"name": "Team lunch", "cost": "450", "stock": "3", "image_alt_text": "A lunch table"}
    )
    assert response.status_code == 302
    edited = Reward.objects.get(pk=reward.pk)
    assert (edited.cost, edited.stock, edited.is_active) == (450, 3, False)
    actions = set(AuditLogEntry.objects.values_list("action", flat=True))
    assert {"reward.created", "reward.edited", "reward.deactivated"} <= actions


def test_the_reward_form_refuses_bad_input_with_400(world, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a = world.a
    client.force_login(a.user("manager"))
    bad = client.post(url(a.org, "new/"), {"name": "", "cost": "-5", "stock": "x"})
    assert bad.status_code == 400
    not_image = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    bad = client.post(url(a.org, "new/"), {"name": "Mug", "cost": "5", "image": not_image})
    assert (
        bad.status_code == 400 and "Upload a JPEG, PNG, GIF or WebP image." in bad.content.decode()
    )
    no_alt = client.post(url(a.org, "new/"), {"name": "Mug", "cost": "5", "image": png()})
    assert no_alt.status_code == 400 and "screen reader" in no_alt.content.decode()
    assert not Reward.objects.exists()
    client.force_login(a.employee)
    assert client.get(url(a.org, "new/")).status_code == 403
    foreign = RewardFactory.create(organization=world.b.org)
    client.force_login(a.user("manager"))
    assert client.get(url(a.org, f"{foreign.pk}/edit/")).status_code == 404


def test_saving_the_form_keeps_units_taken_while_it_was_open(world, client):
    a = world.a
    employee = a.members["employee"]
    give(employee, 100)
    reward = RewardFactory.create(organization=a.org, name="Mug", cost=10, stock=5)
    client.force_login(a.user("manager"))
    edit = url(a.org, f"{reward.pk}/edit/")
    assert 'name="stock_seen" value="5"' in client.get(edit).content.decode()
    reward_redeem(actor=employee, reward=reward)  # meanwhile: 4 left
    form = {"name": "Blue mug", "cost": "10", "stock": "5", "stock_seen": "5", "is_active": "on"}
    assert client.post(edit, form).status_code == 302
    saved = Reward.objects.get(pk=reward.pk)
    assert (saved.name, saved.stock) == ("Blue mug", 4)
    # A stock the manager changed is what they typed.
    assert client.post(edit, {**form, "stock": "20", "stock_seen": "4"}).status_code == 302
    assert Reward.objects.get(pk=reward.pk).stock == 20
