"""The API's list filters read one way (issue 12, item 16): an enumerated filter with a value
it does not know is a 400 naming the allowed values (never an empty 200), and a NUL in any
text filter is a 400 (never a 500 from PostgreSQL)."""

from __future__ import annotations

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from advocacy.models import Role
from campaigns.models import RedemptionStatus
from content_library.models import Category, Kind, Status, SuggestionStatus
from social.models import ShareState

from .test_api_errors import assert_error_shape

LANGUAGES = [code for code, _name in settings.LANGUAGES]

#: (list, filter, its allowed values): every enumerated filter of every API list.
CHOICE_FILTERS = [
    ("members/", "role", Role.values),
    ("members/", "status", ["active", "inactive", "all"]),
    ("content/items/", "category", Category.values),
    ("content/items/", "language", LANGUAGES),
    ("content/items/", "kind", Kind.values),
    ("content/items/", "status", [*Status.values, "scheduled", "expired"]),
    ("content/items/", "campaign_ready", ["true", "false", "1", "0"]),
    ("content/items/", "company", ["true", "false", "1", "0"]),
    ("content/feed/", "category", Category.values),
    ("content/feed/", "language", LANGUAGES),
    ("content/feed/", "kind", Kind.values),
    ("content/suggestions/", "status", SuggestionStatus.values),
    ("shares/", "scope", ["mine", "org"]),
    ("shares/", "state", ShareState.values),
    ("rewards/", "active", ["true", "false", "1", "0"]),
    ("redemptions/", "status", RedemptionStatus.values),
    ("redemptions/", "mine", ["true", "false", "1", "0"]),
]

#: (list, filter): every free-text or numeric filter, where a NUL must be a 400 too.
OTHER_FILTERS = [
    ("audit-log/", "action"),
    ("members/", "search"),
    ("members/", "department"),
    ("content/items/", "q"),
    ("content/items/", "topic"),
    ("content/feed/", "q"),
    ("content/feed/", "topic"),
    ("shares/", "item"),
]


@pytest.fixture
def admin(world) -> APIClient:
    client = APIClient()
    client.force_login(world.a.admin)
    return client


def _url(world, path: str) -> str:
    return f"/api/v1/orgs/{world.a.org.slug}/{path}"


@pytest.mark.parametrize(("path", "name", "allowed"), CHOICE_FILTERS)
def test_an_unknown_value_of_an_enumerated_filter_is_a_400_naming_the_allowed_values(
    world, admin, path, name, allowed
):
    url = _url(world, path)
    for value in allowed:
        assert admin.get(url, {name: value}).status_code == 200, value
    for bogus in ("bogus", "a\x00b", allowed[0].upper() + "x"):
        errors = assert_error_shape(admin.get(url, {name: bogus}), 400, "invalid")
        assert list(errors) == [name]
        assert errors[name] == [f"Not an allowed value. Allowed: {', '.join(allowed)}."]


@pytest.mark.parametrize(("path", "name"), OTHER_FILTERS)
def test_a_nul_in_any_other_filter_is_a_400(world, admin, path, name):
    resp = admin.get(_url(world, path) + f"?{name}=a%00b")
    assert list(assert_error_shape(resp, 400, "invalid")) == [name]


def test_whole_number_filters_refuse_words(world, admin):
    for path, name in [
        ("content/items/", "topic"),
        ("content/feed/", "topic"),
        ("shares/", "item"),
    ]:
        errors = assert_error_shape(admin.get(_url(world, path), {name: "abc"}), 400, "invalid")
        assert errors == {name: ["A whole number."]}


def test_the_issue_examples(world, admin):
    assert_error_shape(admin.get(_url(world, "members/?status=bogus")), 400, "invalid")
    assert_error_shape(admin.get(_url(world, "members/?role=god")), 400, "invalid")
    resp = admin.get(_url(world, "audit-log/?action=a%00b"))
    assert assert_error_shape(resp, 400, "invalid") == {
        "action": ["This contains a character that is not allowed."]
    }
    assert admin.get(_url(world, "audit-log/?action=member.deactivated")).status_code == 200
