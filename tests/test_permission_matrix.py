"""The role x capability matrix. The table below is the specification: a capability or a
role without a row/column here fails, and so does any cell that ``advocacy.permissions``
answers differently. Real requests then check representative routes of each capability,
discovered at test time, against the same table."""

from __future__ import annotations

from typing import Any

import pytest

from advocacy.models import Membership, Role
from advocacy.permissions import Capability, has_capability
from advocacy.tenancy import OrgPageView

from .isolation_support import Route, collect_kwarg_factories, discover_org_routes, route_values

Y, N = True, False
ROLES = (Role.EMPLOYEE, Role.MANAGER, Role.HR, Role.ADMIN)

# fmt: off
MATRIX: dict[Capability, tuple[bool, bool, bool, bool]] = {
    #                                  employee manager  hr   admin
    Capability.VIEW_FEED:             (Y,       Y,       Y,   Y),
    Capability.SHARE_CONTENT:         (Y,       Y,       Y,   Y),
    Capability.SUGGEST_CONTENT:       (Y,       Y,       Y,   Y),
    Capability.VIEW_OWN_STATS:        (Y,       Y,       Y,   Y),
    Capability.MANAGE_CONTENT:        (N,       Y,       N,   Y),
    Capability.APPROVE_CONTENT:       (N,       Y,       N,   Y),
    Capability.MANAGE_CAMPAIGNS:      (N,       Y,       N,   Y),
    Capability.MANAGE_REWARDS:        (N,       Y,       N,   Y),
    Capability.VIEW_ANALYTICS:        (N,       Y,       Y,   Y),
    Capability.EXPORT_ANALYTICS:      (N,       N,       Y,   Y),
    Capability.VIEW_MEMBERS:          (N,       N,       Y,   Y),
    Capability.MANAGE_MEMBERS:        (N,       N,       N,   Y),
    Capability.MANAGE_DEPARTMENTS:    (N,       N,       N,   Y),
    Capability.MANAGE_GUIDELINES:     (N,       N,       N,   Y),
    Capability.MANAGE_NETWORKS:       (N,       N,       N,   Y),
    Capability.VIEW_AUDIT_LOG:        (N,       N,       N,   Y),
    Capability.MANAGE_ORGANIZATION:   (N,       N,       N,   Y),
}
# fmt: on


def allowed(capability: Capability | None, role: str) -> bool:
    """The spec's answer; ``None`` is "any active member"."""
    if capability is None:
        return True
    return MATRIX[capability][ROLES.index(role)]


def test_every_capability_has_a_row():
    missing = [c.name for c in Capability if c not in MATRIX]
    assert not missing, (
        f"Capabilities {missing} have no row in tests/test_permission_matrix.py MATRIX: "
        "decide which roles get them and add the row."
    )


def test_every_role_has_a_column():
    assert set(ROLES) == set(Role.values)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("capability", list(Capability), ids=str)
def test_role_capability_cell(capability: Capability, role: str) -> None:
    membership = Membership(role=role, is_active=True)
    assert has_capability(membership, capability) is allowed(capability, role), (
        f"{role} / {capability}: the matrix says {allowed(capability, role)}"
    )


@pytest.mark.parametrize("role", ROLES)
def test_inactive_or_missing_membership_has_no_capability(role: str) -> None:
    inactive = Membership(role=role, is_active=False)
    assert not any(has_capability(inactive, c) for c in Capability)
    assert not any(has_capability(None, c) for c in Capability)


def test_an_unknown_role_has_no_capability():
    assert not any(has_capability(Membership(role="owner", is_active=True), c) for c in Capability)


# --- Through real requests -------------------------------------------------------

_REFUSED = object()  # an API action that names no capability: refused to everyone


def get_capability(route: Route) -> Any:
    """The capability a GET of the route needs, or ``_REFUSED``; raises LookupError
    when the route has no GET."""
    cls = route.view_class
    methods = route.allowed_methods() or frozenset()
    if "get" not in methods or cls is None:
        raise LookupError(route.label)
    if route.kind == "page":
        if not issubclass(cls, OrgPageView):
            raise LookupError(route.label)
        return cls().required_capability("get")
    action = route.callback.actions["get"]  # type: ignore[attr-defined]  # a DRF viewset route
    caps = getattr(cls, "capabilities", {})
    if action in caps:
        return caps[action]
    return caps.get("*", _REFUSED)


def representative_routes(routes: list[Route], per_capability: int = 2) -> list[Route]:
    """Up to ``per_capability`` GET routes per (kind, capability), simplest URLs first.

    Only routes without object ids: what a role may see of one object (its own
    suggestion, say) is a rule of that object's app, not of the role matrix."""
    groups: dict[tuple[str, Any], list[Route]] = {}
    for route in routes:
        if route.object_kwargs:
            continue
        try:
            cap = get_capability(route)
        except LookupError:
            continue
        groups.setdefault((route.kind, cap), []).append(route)
    chosen = []
    for group in groups.values():
        group.sort(key=lambda r: r.fmt)
        chosen.extend(group[:per_capability])
    return sorted(chosen, key=lambda r: (r.kind, r.fmt))


ROUTES = discover_org_routes()
REPRESENTATIVE = representative_routes(ROUTES)
BY_NAME = {r.name: r for r in ROUTES if r.name}


def _status_as(client: Any, route: Route, world: Any, role: str) -> int:
    values = route_values(route, world.a, collect_kwarg_factories())
    client.force_login(world.a.user(role))
    return client.get(route.url(values)).status_code


@pytest.mark.parametrize("route", REPRESENTATIVE, ids=lambda r: r.label)
def test_representative_route_follows_the_matrix(route: Route, world, client, api_client) -> None:
    cap = get_capability(route)
    http = api_client if route.kind == "api" else client
    wrong = []
    for role in ROLES:
        expected_ok = cap is not _REFUSED and allowed(cap, role)
        status = _status_as(http, route, world, role)
        if (expected_ok and not 200 <= status < 400) or (not expected_ok and status != 403):
            wrong.append(f"{role}: {status} (expected {'200' if expected_ok else '403'})")
    assert not wrong, f"{route.label} needs {cap}: " + ", ".join(wrong)


#: Named routes with an expectation of their own (checked when the route exists).
EXPLICIT: dict[str, dict[str, int]] = {
    "org_home": {Role.EMPLOYEE: 200, Role.MANAGER: 200, Role.HR: 200, Role.ADMIN: 200},
    "api_org_detail": {Role.EMPLOYEE: 200, Role.MANAGER: 200, Role.HR: 200, Role.ADMIN: 200},
    "members_list": {Role.EMPLOYEE: 403, Role.MANAGER: 403, Role.HR: 200, Role.ADMIN: 200},
    "audit_log": {Role.EMPLOYEE: 403, Role.MANAGER: 403, Role.HR: 403, Role.ADMIN: 200},
    "campaigns_list": {Role.EMPLOYEE: 200, Role.MANAGER: 200, Role.HR: 200, Role.ADMIN: 200},
    "campaign_create": {Role.EMPLOYEE: 403, Role.MANAGER: 200, Role.HR: 403, Role.ADMIN: 200},
    "campaign_detail": {Role.EMPLOYEE: 200, Role.MANAGER: 200, Role.HR: 200, Role.ADMIN: 200},
    "campaign_results": {Role.EMPLOYEE: 403, Role.MANAGER: 200, Role.HR: 403, Role.ADMIN: 200},
    "api_campaigns-list": {Role.EMPLOYEE: 200, Role.MANAGER: 200, Role.HR: 200, Role.ADMIN: 200},
    "api_campaigns-results": {
        Role.EMPLOYEE: 403,
        Role.MANAGER: 200,
        Role.HR: 403,
        Role.ADMIN: 200,
    },
    "rewards_catalogue": {Role.EMPLOYEE: 200, Role.MANAGER: 200, Role.HR: 200, Role.ADMIN: 200},
    "rewards_mine": {Role.EMPLOYEE: 200, Role.MANAGER: 200, Role.HR: 200, Role.ADMIN: 200},
    "rewards_redemptions": {Role.EMPLOYEE: 403, Role.MANAGER: 200, Role.HR: 403, Role.ADMIN: 200},
    "rewards_create": {Role.EMPLOYEE: 403, Role.MANAGER: 200, Role.HR: 403, Role.ADMIN: 200},
    "api_rewards-list": {Role.EMPLOYEE: 200, Role.MANAGER: 200, Role.HR: 200, Role.ADMIN: 200},
    "api_redemptions-list": {Role.EMPLOYEE: 200, Role.MANAGER: 200, Role.HR: 200, Role.ADMIN: 200},
    # Raffles: managers run them; every member reads the ones they may see through the API.
    "raffles_list": {Role.EMPLOYEE: 403, Role.MANAGER: 200, Role.HR: 403, Role.ADMIN: 200},
    "raffle_create": {Role.EMPLOYEE: 403, Role.MANAGER: 200, Role.HR: 403, Role.ADMIN: 200},
    "api_raffles": {Role.EMPLOYEE: 200, Role.MANAGER: 200, Role.HR: 200, Role.ADMIN: 200},
    "amplify_candidates": {Role.EMPLOYEE: 403, Role.MANAGER: 200, Role.HR: 403, Role.ADMIN: 200},
    "company_pages": {Role.EMPLOYEE: 403, Role.MANAGER: 403, Role.HR: 403, Role.ADMIN: 200},
    "api_amplifications": {Role.EMPLOYEE: 403, Role.MANAGER: 200, Role.HR: 403, Role.ADMIN: 200},
    "api_company_pages": {Role.EMPLOYEE: 403, Role.MANAGER: 403, Role.HR: 403, Role.ADMIN: 200},
    # Leaderboards: every member (what they see depends on the public switch); the switch
    # itself is the campaign managers'.
    "boards": {Role.EMPLOYEE: 200, Role.MANAGER: 200, Role.HR: 200, Role.ADMIN: 200},
    "boards_teams": {Role.EMPLOYEE: 200, Role.MANAGER: 200, Role.HR: 200, Role.ADMIN: 200},
    "boards_settings": {Role.EMPLOYEE: 403, Role.MANAGER: 200, Role.HR: 403, Role.ADMIN: 200},
    "api_boards-list": {Role.EMPLOYEE: 200, Role.MANAGER: 200, Role.HR: 200, Role.ADMIN: 200},
    "api_boards-teams": {Role.EMPLOYEE: 200, Role.MANAGER: 200, Role.HR: 200, Role.ADMIN: 200},
    # Notifications: everyone has their own; the organization's defaults are the admin's.
    "notifications_list": {Role.EMPLOYEE: 200, Role.MANAGER: 200, Role.HR: 200, Role.ADMIN: 200},
    "notifications_preferences": {
        Role.EMPLOYEE: 200,
        Role.MANAGER: 200,
        Role.HR: 200,
        Role.ADMIN: 200,
    },
    "notifications_org_settings": {
        Role.EMPLOYEE: 403,
        Role.MANAGER: 403,
        Role.HR: 403,
        Role.ADMIN: 200,
    },
    "notifications_channels": {
        Role.EMPLOYEE: 403,
        Role.MANAGER: 403,
        Role.HR: 403,
        Role.ADMIN: 200,
    },
    "api_notifications-list": {
        Role.EMPLOYEE: 200,
        Role.MANAGER: 200,
        Role.HR: 200,
        Role.ADMIN: 200,
    },
    "api_chat_channels-list": {
        Role.EMPLOYEE: 403,
        Role.MANAGER: 403,
        Role.HR: 403,
        Role.ADMIN: 200,
    },
    "api_notification_preferences": {
        Role.EMPLOYEE: 200,
        Role.MANAGER: 200,
        Role.HR: 200,
        Role.ADMIN: 200,
    },
}


def test_the_core_routes_exist():
    assert "org_home" in BY_NAME
    assert "api_org_detail" in BY_NAME


@pytest.mark.parametrize("name", sorted(EXPLICIT))
def test_named_route_answers_each_role(name: str, world, client, api_client) -> None:
    route = BY_NAME.get(name)
    assert route is not None, (
        f"route {name!r} is in the permission matrix but not in the URLconf: a renamed or "
        "removed route must be updated here too"
    )
    http = api_client if route.kind == "api" else client
    got = {role: _status_as(http, route, world, role) for role in ROLES}
    assert got == EXPLICIT[name]


def test_departments_list_follows_its_declared_capability(world, client) -> None:
    route = BY_NAME.get("departments_list")
    assert route is not None, "route 'departments_list' is not in the URLconf"
    cap = get_capability(route)
    assert cap is not None, "the departments list is an administrative page"
    got = {role: _status_as(client, route, world, role) for role in ROLES}
    assert got == {role: 200 if allowed(cap, role) else 403 for role in ROLES}
