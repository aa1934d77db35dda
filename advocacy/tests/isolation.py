"""Isolation-walker registry for the core's routes.

Every app with routes under ``/o/<org_slug>/`` or ``/api/v1/orgs/<org_slug>/`` has a
``<app>/tests/isolation.py`` with ``KWARG_FACTORIES``: URL keyword name -> a function
that takes a ``tests.world.Tenant`` and returns the value to put in the URL for an
object owned by that tenant. The walker in ``tests/test_isolation.py`` fails on a
route with a keyword that no registry knows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

KWARG_FACTORIES: dict[str, Callable[[Any], Any]] = {
    "member_id": lambda t: t.members["employee"].pk,
    "department_id": lambda t: t.department.pk,
    "invitation_id": lambda t: t.invitation.pk,
}
