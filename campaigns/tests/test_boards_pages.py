"""Leaderboard pages and API: pickers, the rank card, team averages, the organization's
switch, anonymity, permissions, bad parameters and query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from advocacy.models import AuditLogEntry, Role
from campaigns.models import PointsBalance, RecognitionSettings
from campaigns.selectors import boards as sel
from campaigns.services.boards import board_rebuild, recognition_settings_update
from tests.factories import DepartmentFactory, MembershipFactory

from .boards_support import clean_boards, earn
from .factories import CampaignFactory

pytestmark = pytest.mark.django_db
__all__ = ["clean_boards"]


@pytest.fixture
def scored(world, clean_boards):
    """Tenant A: its four role members plus 20 colleagues, all with points."""
    t = world.a
    small = DepartmentFactory.create(organization=t.org, name="Legal")
    colleagues = [
        MembershipFactory.create(organization=t.org, department=t.department, location="Vilnius")
        for _ in range(18)
    ] + [MembershipFactory.create(organization=t.org, department=small) for _ in range(2)]
    for i, member in enumerate(colleagues):
        earn(member, 10 + i)
    earn(colleagues[-1], 200)  # Legal: small team, high average
    for i, role in enumerate(Role.values):
        earn(t.members[role], 5 + i)
    return t, colleagues


def _url(t, name="boards"):
    return reverse(name, kwargs={"org_slug": t.org.slug})


def test_board_page_shows_top_and_my_rank_with_neighbours(
    scored, client, django_assert_max_num_queries
):
    t, colleagues = scored
    client.force_login(t.employee)
    # Session, membership, settings, pickers, anonymity, and the database path's seven
    # queries (top, count, own score, above, below, their scores, their ranks) and names.
    with django_assert_max_num_queries(16):
        response = client.get(_url(t), {"period": "all"})
    assert response.status_code == 200
    result = response.context["result"]
    assert len(result.top) == 10
    assert result.me is not None and result.me.membership_id == t.members["employee"].pk
    assert len(result.neighbours) == 3  # last but one or last: neighbours above only
    html = response.content.decode()
    assert "Your rank" in html and "What do these numbers mean?" in html
    assert colleagues[-1].user.name in html


def test_board_page_from_redis_uses_few_queries(scored, client, django_assert_max_num_queries):
    t, _ = scored
    board = sel.board_resolve(t.org, {"period": "all"})
    if sel.boards_redis() is None or board_rebuild(board) < 0:
        pytest.skip("needs Redis")
    client.force_login(t.employee)
    # The board itself costs one query here: the names of the rows Redis ranked. The page's
    # chrome costs the rest, the notification bell's unread count (cold cache) included.
    with django_assert_max_num_queries(10):
        response = client.get(_url(t), {"period": "all"})
    assert response.context["result"].source == "redis"


def test_every_board_kind_and_period_renders(scored, client):
    t, _ = scored
    campaign = CampaignFactory.create(organization=t.org)
    client.force_login(t.employee)
    queries = [{"board": "overall", "period": p} for p in sel.CALENDAR_PERIODS] + [
        {"board": "department"},
        {"board": "location", "location": "Vilnius"},
        {"board": "campaign", "campaign": campaign.pk},
        {"board": "campaign", "campaign": campaign.pk, "metric": "impressions"},
    ]
    for query in queries:
        assert client.get(_url(t), query).status_code == 200, query


def test_bad_parameters_are_a_400_with_the_field_named(scored, client, world):
    t, _ = scored
    foreign = CampaignFactory.create(organization=world.b.org)
    client.force_login(t.employee)
    for query, field in (
        ({"board": "nope"}, "board"),
        ({"period": "decade"}, "period"),
        ({"board": "campaign", "campaign": foreign.pk}, "campaign"),
        ({"board": "department", "department": world.b.department.pk}, "department"),
    ):
        response = client.get(_url(t), query)
        assert response.status_code == 400
        assert field in response.context["errors"]


def test_team_board_ranks_by_average_and_total(scored, client):
    t, _colleagues = scored
    client.force_login(t.employee)
    response = client.get(_url(t, "boards_teams"), {"period": "all"})
    assert response.status_code == 200
    rows = {r.name: r for r in response.context["rows"]}
    legal, sales = rows["Legal"], rows["Sales"]
    assert legal.active_members == 2 and legal.total == (10 + 18) + (10 + 19) + 200
    assert legal.rank_average == 1 and sales.rank_total == 1
    assert legal.average == round(legal.total / 2, 1)
    # Sales: 18 colleagues and the 4 role members, all active.
    assert sales.active_members == 22
    assert "An active member of the team" in response.content.decode()


def test_active_members_count_earning_entries_only(world, clean_boards):
    from campaigns.models import PointsAction

    t = world.a
    only_reversed = MembershipFactory.create(organization=t.org, department=t.department)
    earn(only_reversed, -5, action=PointsAction.ADJUSTMENT)
    earner = t.members["employee"]
    earn(earner, 30)
    board = sel.board_resolve(t.org, {"period": "week"})
    row = next(r for r in sel.team_board(board) if r.department_id == t.department.pk)
    assert (row.total, row.active_members, row.average) == (25, 1, 25.0)


def test_switching_public_boards_off_leaves_employees_their_own_rank(scored, client):
    t, _ = scored
    recognition_settings_update(actor=t.members["admin"], public_leaderboards=False)
    client.force_login(t.employee)
    response = client.get(_url(t), {"period": "all"})
    result = response.context["result"]
    assert result.top == [] and [r.is_me for r in result.neighbours] == [True]
    assert result.me is not None
    assert "keeps leaderboards for managers" in response.content.decode()
    teams = client.get(_url(t, "boards_teams")).context["rows"]
    assert [r.is_mine for r in teams] == [True]
    for role in (Role.MANAGER, Role.HR, Role.ADMIN):
        client.force_login(t.user(role))
        assert len(client.get(_url(t), {"period": "all"}).context["result"].top) == 10


def test_settings_form_is_for_campaign_managers(world, client):
    t = world.a
    url = _url(t, "boards_settings")
    for role, status in (
        (Role.EMPLOYEE, 403),
        (Role.HR, 403),
        (Role.MANAGER, 200),
        (Role.ADMIN, 200),
    ):
        client.force_login(t.user(role))
        assert client.get(url).status_code == status
    client.force_login(t.user(Role.EMPLOYEE))
    assert client.post(url, {}).status_code == 403
    client.force_login(t.user(Role.MANAGER))
    response = client.post(url, {})  # unchecked: off
    assert response.status_code == 302
    assert RecognitionSettings.objects.get(organization=t.org).public_leaderboards is False
    assert AuditLogEntry.objects.filter(
        organization=t.org, action="recognition.boards_public_changed"
    ).exists()
    client.post(url, {"public_leaderboards": "on"})
    assert RecognitionSettings.objects.get(organization=t.org).public_leaderboards is True


def test_a_member_chooses_to_appear_anonymously(scored, client):
    t, _ = scored
    me = t.members["employee"]
    client.force_login(t.employee)
    assert client.post(_url(t, "boards_me"), {"anonymous": "on"}).status_code == 302
    assert PointsBalance.objects.get(membership=me).anonymous_on_boards
    response = client.get(_url(t), {"period": "all", "board": "overall"})
    assert response.context["anonymity_form"].initial == {"anonymous": True}
    client.force_login(t.user(Role.MANAGER))
    result = client.get(_url(t), {"period": "all"}).context["result"]
    board = sel.board_resolve(t.org, {"period": "all"})
    full = sel.board_read(board, viewer=t.members["manager"], top_n=50)
    row = next(r for r in full.top if r.membership_id == me.pk)
    assert row.name == "A colleague in Sales" and row.anonymous
    assert result is not None
    client.force_login(t.employee)
    client.post(_url(t, "boards_me"), {})
    assert not PointsBalance.objects.get(membership=me).anonymous_on_boards


# --- API ---------------------------------------------------------------------------------


def _api(t, suffix=""):
    return f"/api/v1/orgs/{t.org.slug}/leaderboards/{suffix}"


def test_api_board_top_me_and_neighbours(scored, api_client, django_assert_max_num_queries):
    t, _colleagues = scored
    api_client.force_authenticate(t.employee)
    with django_assert_max_num_queries(10):
        response = api_client.get(_api(t), {"period": "all", "limit": 3, "around": 1})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["rank"] for r in body["top"]] == [1, 2, 3]
    assert body["top"][0]["score"] == 10 + 19 + 200
    assert body["me"]["is_me"] and len(body["neighbours"]) == 2
    assert body["participants"] == 24 and body["public"] is True
    assert "score" in body["definitions"]


def test_api_bad_parameters_are_400_with_field_messages(scored, api_client, world):
    t, _ = scored
    api_client.force_authenticate(t.employee)
    foreign = CampaignFactory.create(organization=world.b.org)
    for query, field in (
        ({"board": "x"}, "board"),
        ({"period": "x"}, "period"),
        ({"metric": "likes"}, "metric"),
        ({"limit": 500}, "limit"),
        ({"around": -1}, "around"),
        ({"campaign": "abc", "board": "campaign"}, "campaign"),
        ({"board": "campaign", "campaign": foreign.pk}, "campaign"),
        ({"metric": "clicks"}, "metric"),
    ):
        response = api_client.get(_api(t), query)
        assert response.status_code == 400, query
        assert field in response.json()["errors"], (query, response.json())
    assert api_client.get(_api(t, "teams/"), {"period": "campaign"}).status_code == 400


def test_api_teams_and_the_switch(scored, api_client):
    t, _ = scored
    api_client.force_authenticate(t.employee)
    body = api_client.get(_api(t, "teams/"), {"period": "all"}).json()
    assert {r["name"] for r in body["teams"]} == {"Sales", "Legal"}
    recognition_settings_update(actor=t.members["manager"], public_leaderboards=False)
    body = api_client.get(_api(t), {"period": "all"}).json()
    assert body["public"] is False and body["top"] == [] and body["me"]["is_me"]
    body = api_client.get(_api(t, "teams/"), {"period": "all"}).json()
    assert [r["name"] for r in body["teams"]] == ["Sales"]


def test_api_is_for_members_of_the_organization_only(scored, api_client, world):
    t, _ = scored
    api_client.force_authenticate(world.b.employee)
    assert api_client.get(_api(t)).status_code == 404
    api_client.force_authenticate(None)
    assert api_client.get(_api(t)).status_code in (401, 403)


def test_campaign_board_include_renders_top_and_my_rank(scored, rf):
    from django.template.loader import render_to_string

    t, colleagues = scored
    campaign = CampaignFactory.create(organization=t.org)
    for i, member in enumerate(colleagues[:8]):
        earn(member, 10 + i, campaign_id=campaign.pk)
    viewer = colleagues[0]
    html = render_to_string(
        "campaigns/boards/_campaign_board.html",
        {"campaign_board": sel.campaign_board_for(campaign, viewer), "organization": t.org},
    )
    assert "#8" in html and "Around you" in html
    assert f"campaign={campaign.pk}" in html
