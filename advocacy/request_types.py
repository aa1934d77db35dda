"""Typed requests, for the type checker only (nothing here changes what a request holds).

``HttpRequest.user`` is typed ``User | AnonymousUser``; behind ``login_required`` it is always
a ``User``. Pages under ``/o/<org_slug>/`` also carry ``request.organization`` and
``request.membership``, set by ``OrgContextMixin.resolve_org``.
"""

from __future__ import annotations

from django.http import HttpRequest

from .models import Membership, Organization, User


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind ``login_required``."""

    user: User


class OrgHttpRequest(AuthenticatedHttpRequest):
    """The request of a page under ``/o/<org_slug>/`` once the organization is resolved."""

    organization: Organization
    membership: Membership
