"""The shared ``sandbox`` fixture runs each network's OAuth flow over HTTP."""

from __future__ import annotations

from django.conf import settings

from social.models import AccountKind


def test_sandbox_points_every_base_at_itself(sandbox):
    assert sandbox.url == settings.SOCIAL_SANDBOX_URL
    assert settings.NETWORK_BASES["LINKEDIN_API_BASE"] == f"{sandbox.url}/linkedin/api"


def test_connect_linkedin_gives_a_token_for_the_chosen_member(sandbox, world):
    grace = sandbox.connect("linkedin", profile="Grace Hopper")
    assert grace.profile_id == "sbxGrace2"
    assert "w_member_social" in grace.scopes
    account = sandbox.network_account(world.a.employee, grace)
    assert account.access_token == grace.access_token
    assert account.extra["author_urn"] == "urn:li:person:sbxGrace2"


def test_connect_instagram_exchanges_for_a_long_lived_token(sandbox):
    ada = sandbox.connect("instagram")
    assert ada.profile_id == "17841400000000011"
    assert ada.access_token.startswith("IGAAL")


def test_connect_facebook_lists_page_tokens(sandbox):
    grace = sandbox.connect("facebook", profile="10000000000000022")
    assert [p["id"] for p in grace.pages] == ["100000000000102", "100000000000103"]
    assert grace.page()["access_token"]
    assert AccountKind.PAGE.value == "page"


def test_faults_and_state_are_reset_between_tests_first(sandbox):
    sandbox.fault("rate_limit", network="linkedin")
    assert len(sandbox.faults()) == 1


def test_faults_and_state_are_reset_between_tests_second(sandbox):
    assert sandbox.faults() == []
