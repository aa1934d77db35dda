"""Network policy: the service itself is the permission boundary (actor=Membership)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from advocacy.models import AuditLogEntry
from social.models import NetworkPolicy
from social.services.accounts import network_policy_set


@pytest.mark.parametrize("role", ["employee", "manager", "hr"])
def test_only_a_role_that_manages_networks_sets_the_policy(world, role):
    with pytest.raises(PermissionDenied):
        network_policy_set(
            actor=world.a.members[role], network="linkedin", required=True, allowed=True
        )
    assert not NetworkPolicy.objects.filter(organization=world.a.org).exists()


def test_a_bare_user_is_refused(world):
    with pytest.raises(TypeError):
        network_policy_set(actor=world.a.admin, network="linkedin", required=True, allowed=True)


def test_the_admin_sets_it_in_their_own_organization_only(world):
    policy = network_policy_set(
        actor=world.a.members["admin"], network="linkedin", required=True, allowed=True
    )
    assert policy.organization_id == world.a.org.pk and policy.required
    assert not NetworkPolicy.objects.filter(organization=world.b.org).exists()
    entry = AuditLogEntry.objects.for_org(world.a.org).get(action="network_policy.update")
    assert entry.actor_id == world.a.admin.pk
