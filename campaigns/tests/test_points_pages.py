"""Points pages and API: who sees what, forms and bad input, keyset lists with bounded
queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from advocacy.models import Role
from campaigns.models import PointsAction, PointsBalance, PointsEntry, PointsRule
from campaigns.services.ledger import points_entry_append
from campaigns.tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _earn(member, n: int, *, campaign=None, days_ago: int = 0):
    for i in range(n):
        points_entry_append(
            membership=member,
            action=PointsAction.SHARE_PUBLISHED,
            points=10,
            dedupe_key=f"t:{member.pk}:{days_ago}:{i}",
            occurred_at=timezone.now() - timedelta(days=days_ago, minutes=i),
            campaign_id=campaign.pk if campaign else None,
            object_type="share",
            object_id=str(1000 + i),
        )


def _url(world, suffix=""):
    return f"/o/{world.a.org.slug}/points/{suffix}"


def _api(world, suffix):
    return f"/api/v1/orgs/{world.a.org.slug}/points/{suffix}"


def test_my_points_page_shows_totals_history_and_definitions(world, client):
    member = world.a.members[Role.EMPLOYEE]
    _earn(member, 3)
    _earn(member, 2, days_ago=40)
    client.force_login(member.user)
    response = client.get(_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-lifetime>50<" in html and "data-spendable>50<" in html
    assert "data-week>30<" in html
    assert html.count('data-action="share_published"') == 5
    assert html.count("<details") >= 5  # every number has an openable definition


def test_my_points_history_pages_with_bounded_queries(world, client, django_assert_max_num_queries):
    member = world.a.members[Role.EMPLOYEE]
    _earn(member, 60, campaign=CampaignFactory.create(organization=world.a.org))
    client.force_login(member.user)
    with django_assert_max_num_queries(16):
        first = client.get(_url(world))
    html = first.content.decode()
    assert html.count('data-action="share_published"') == 50
    next_url = first.context["next_url"]
    assert next_url
    with django_assert_max_num_queries(16):
        second = client.get(next_url)
    assert second.content.decode().count('data-action="share_published"') == 10


def test_a_member_sees_only_their_own_entries(world, client):
    _earn(world.a.members[Role.MANAGER], 2)
    _earn(world.b.members[Role.EMPLOYEE], 2)
    client.force_login(world.a.employee)
    html = client.get(_url(world)).content.decode()
    assert 'data-action="share_published"' not in html


def test_anonymity_toggle(world, client):
    member = world.a.members[Role.EMPLOYEE]
    client.force_login(member.user)
    response = client.post(_url(world, "anonymity/"), {"anonymous_on_boards": "on"})
    assert response.status_code == 302
    assert PointsBalance.objects.get(membership=member).anonymous_on_boards is True
    client.post(_url(world, "anonymity/"), {})
    assert PointsBalance.objects.get(membership=member).anonymous_on_boards is False
    assert client.get(_url(world, "anonymity/")).status_code == 405


def test_rules_page_is_for_managers_and_saves_forward_only(world, client):
    member = world.a.members[Role.EMPLOYEE]
    _earn(member, 1)
    client.force_login(world.a.employee)
    assert client.get(_url(world, "rules/")).status_code == 403
    assert (
        client.post(_url(world, "rules/"), {"action": "human_click", "points": 3}).status_code
        == 403
    )
    client.force_login(world.a.user(Role.MANAGER))
    page = client.get(_url(world, "rules/?action=human_click"))
    assert page.status_code == 200
    assert page.context["form"].initial["points"] == 1
    response = client.post(
        _url(world, "rules/"),
        {"action": "share_published", "points": "4", "daily_cap": "20", "per_share_cap": ""},
    )
    assert response.status_code == 302
    rule = PointsRule.objects.get()
    assert (rule.points, rule.daily_cap, rule.per_share_cap) == (4, 20, None)
    assert [e.points for e in PointsEntry.objects.filter(membership=member)] == [10]
    html = client.get(_url(world, "rules/")).content.decode()
    assert 'data-testid="rules-history"' in html


@pytest.mark.parametrize(
    "data",
    [
        {"action": "share_published", "points": "-1"},
        {"action": "share_published", "points": "many"},
        {"action": "nope", "points": "1"},
        {"action": "human_click", "points": "1", "daily_cap": "0"},
        {"action": "share_published", "points": "1", "per_share_cap": "5"},
        {"action": "human_click", "points": "99999999999"},
        {},
    ],
)
def test_bad_rule_values_are_form_errors(world, client, data):
    client.force_login(world.a.user(Role.MANAGER))
    response = client.post(_url(world, "rules/"), data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not PointsRule.objects.exists()


def test_managers_ledger_filters_and_pages(world, client, django_assert_max_num_queries):
    employee = world.a.members[Role.EMPLOYEE]
    manager = world.a.members[Role.MANAGER]
    campaign = CampaignFactory.create(organization=world.a.org)
    _earn(employee, 55, campaign=campaign)
    _earn(manager, 3)
    client.force_login(world.a.employee)
    assert client.get(_url(world, "ledger/")).status_code == 403
    client.force_login(manager.user)
    with django_assert_max_num_queries(18):
        everything = client.get(_url(world, "ledger/"))
    assert everything.status_code == 200
    assert len(everything.context["rows"]) == 50
    mine = client.get(_url(world, f"ledger/?member={manager.pk}"))
    assert {r["entry"].membership_id for r in mine.context["rows"]} == {manager.pk}
    by_campaign = client.get(_url(world, f"ledger/?campaign={campaign.pk}"))
    assert len(by_campaign.context["rows"]) == 50 and by_campaign.context["next_url"]
    assert client.get(_url(world, "ledger/?action=nope")).status_code == 400
    other = world.b.members[Role.EMPLOYEE]
    assert client.get(_url(world, f"ledger/?member={other.pk}")).status_code == 400


# --- API ---------------------------------------------------------------------------------


def test_api_balance_and_anonymity(world, api_client):
    member = world.a.members[Role.EMPLOYEE]
    _earn(member, 2)
    api_client.force_login(member.user)
    body = api_client.get(_api(world, "balance/")).json()
    assert body["lifetime"] == 20 and body["spendable"] == 20 and body["this_week"] == 20
    changed = api_client.post(
        _api(world, "balance/anonymity/"), {"anonymous_on_boards": True}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["anonymous_on_boards"] is True
    bad = api_client.post(
        _api(world, "balance/anonymity/"), {"anonymous_on_boards": "x"}, format="json"
    )
    assert bad.status_code == 400


def test_api_entries_mine_and_org(world, api_client, django_assert_max_num_queries):
    employee = world.a.members[Role.EMPLOYEE]
    manager = world.a.members[Role.MANAGER]
    _earn(employee, 60)
    _earn(manager, 1)
    api_client.force_login(employee.user)
    with django_assert_max_num_queries(10):
        page = api_client.get(_api(world, "entries/")).json()
    assert len(page["results"]) == 50 and page["next_cursor"]
    assert {e["member"] for e in page["results"]} == {employee.pk}
    rest = api_client.get(_api(world, f"entries/?cursor={page['next_cursor']}")).json()
    assert len(rest["results"]) == 10 and rest["next_cursor"] is None
    assert api_client.get(_api(world, "entries/?scope=org")).status_code == 403
    assert api_client.get(_api(world, f"entries/?member={manager.pk}")).status_code == 403
    assert api_client.get(_api(world, "entries/?action=nope")).status_code == 400
    assert api_client.get(_api(world, "entries/?cursor=bad")).status_code == 400
    api_client.force_login(manager.user)
    org = api_client.get(_api(world, f"entries/?scope=org&member={employee.pk}")).json()
    assert {e["member"] for e in org["results"]} == {employee.pk}


def test_api_rules_read_for_all_write_for_managers(world, api_client):
    api_client.force_login(world.a.employee)
    rules = api_client.get(_api(world, "rules/")).json()
    assert {r["action"] for r in rules} >= {"share_published", "human_click"}
    assert all(r["is_default"] for r in rules)
    denied = api_client.post(_api(world, "rules/"), {"action": "human_click", "points": 2})
    assert denied.status_code == 403
    assert api_client.get(_api(world, "rules/history/")).status_code == 403
    api_client.force_login(world.a.user(Role.MANAGER))
    created = api_client.post(
        _api(world, "rules/"),
        {"action": "human_click", "points": 2, "per_share_cap": 30},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["points"] == 2
    bad = api_client.post(
        _api(world, "rules/"),
        {"action": "share_published", "points": 2, "per_share_cap": 3},
        format="json",
    )
    assert (
        bad.status_code == 400 and "per_share_cap" in bad.json().get("errors", bad.json()).__str__()
    )
    assert api_client.post(_api(world, "rules/"), {"points": "x"}, format="json").status_code == 400
    history = api_client.get(_api(world, "rules/history/")).json()
    assert [r["points"] for r in history["results"]] == [2]
    now_rules = {r["action"]: r for r in api_client.get(_api(world, "rules/")).json()}
    assert now_rules["human_click"]["points"] == 2 and not now_rules["human_click"]["is_default"]


def test_a_rule_change_reads_as_a_sentence_in_the_audit_log(world, client):
    client.force_login(world.a.user(Role.MANAGER))
    client.post(_url(world, "rules/"), {"action": "human_click", "points": "3"})
    client.force_login(world.a.admin)
    html = client.get(f"/o/{world.a.org.slug}/audit-log/").content.decode()
    assert "set the points for “Click received” to 3 from then on" in html
