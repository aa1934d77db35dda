"""``manage.py seed_scale``: a large synthetic tenant from bulk inserts, topped up on re-runs."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from advocacy.demo import DEMO_PASSWORD, scale_member_name
from advocacy.models import Department, Membership, Organization, Role, User

pytestmark = pytest.mark.django_db


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_scale", "--org-slug", "big", *args, stdout=out)
    return out.getvalue()


def test_creates_the_members_spread_over_departments_mostly_employees() -> None:
    out = _seed("--members", "600", "--departments", "7", "--batch-size", "128")
    org = Organization.objects.get(slug="big")
    members = Membership.objects.for_org(org)
    assert members.count() == 601  # and the admin to log in as
    assert Department.objects.for_org(org).count() == 7
    per_department = Counter(members.exclude(department=None).values_list("department", flat=True))
    assert len(per_department) == 7
    assert max(per_department.values()) - min(per_department.values()) <= 1
    roles = Counter(members.values_list("role", flat=True))
    assert roles[Role.EMPLOYEE] / 601 > 0.9
    assert roles[Role.MANAGER] > 0 and roles[Role.HR] > 0 and roles[Role.ADMIN] >= 2
    assert "600 members created, 601 in total" in out
    assert " s." in out


def test_members_can_log_in_with_the_demo_password() -> None:
    _seed("--members", "50")
    user = User.objects.get(email="member000007@big.example")
    assert user.check_password(DEMO_PASSWORD)
    assert user.name == scale_member_name(7)
    assert EmailAddress.objects.filter(user=user, verified=True, primary=True).exists()
    admin = User.objects.get(email="admin@big.example")
    assert Membership.objects.get(user=admin, organization__slug="big").role == Role.ADMIN


def test_rerunning_is_idempotent_and_tops_up() -> None:
    _seed("--members", "300", "--batch-size", "100")
    again = _seed("--members", "300", "--batch-size", "100")
    assert "0 members created, 301 in total" in again
    assert User.objects.filter(email__endswith="@big.example").count() == 301
    more = _seed("--members", "450", "--batch-size", "100")
    assert "150 members created, 451 in total" in more
    assert EmailAddress.objects.filter(email__endswith="@big.example").count() == 451


def test_refuses_nonsense_sizes() -> None:
    with pytest.raises(CommandError):
        _seed("--members", "-1")


def test_a_full_name_matches_a_handful_of_fifty_thousand_members() -> None:
    name = scale_member_name(1)
    matches = sum(1 for n in range(1, 50_001) if scale_member_name(n) == name)
    assert 2 <= matches <= 10
