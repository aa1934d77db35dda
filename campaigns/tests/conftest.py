"""Fixtures of the campaigns app's tests that talk to the networks: the sandbox and the real
Celery worker of ``social.tests.conftest``, and (amplification) an employee's post published on
the sandbox and the organization's LinkedIn page connected to it."""

from __future__ import annotations

from typing import Any

import pytest

from social.models import OrganizationAccount, Share
from social.tests.conftest import (  # noqa: F401  (fixtures)
    publishing_worker,
    sandbox,
    sandbox_server,
)

from .amplification_support import connect_linkedin_page, publish_member_share

# The fixtures below take the sandbox by name (``getfixturevalue``): a parameter named like the
# imported fixture would shadow it.


@pytest.fixture
def employee_share(request: Any, world: Any) -> Share:
    return publish_member_share(request.getfixturevalue("sandbox"), world.a.members["employee"])


@pytest.fixture
def linkedin_page(request: Any, world: Any) -> OrganizationAccount:
    return connect_linkedin_page(request.getfixturevalue("sandbox"), world.a.members["admin"])
