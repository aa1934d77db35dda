"""The acceptance service refuses closed invitations."""

from __future__ import annotations

from advocacy import services
from advocacy.models import Invitation
from tests.factories import UserFactory


def _token(invitation: Invitation) -> str:
    return services.invitation_token_issue(invitation=invitation)


def _fresh(t, email="newbie@example.com", **kw):
    inv = services.invitation_create(actor=t.members["admin"], email=email, **kw)
    return inv, _token(inv)


def test_accept_service_refuses_closed_invitations(world):
    import pytest
    from django.core.exceptions import ValidationError

    t = world.a
    person = UserFactory.create(email="svc@example.com")
    inv, _raw = _fresh(t, email="svc@example.com")
    services.invitation_accept(invitation=inv, user=person)
    with pytest.raises(ValidationError, match="already been used"):
        services.invitation_accept(invitation=inv, user=person)
    other, _ = _fresh(t, email="other@example.com")
    with pytest.raises(ValidationError, match="another e-mail"):
        services.invitation_accept(invitation=other, user=person)
