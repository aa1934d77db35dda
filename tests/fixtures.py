from __future__ import annotations

import pytest

from .factories import PASSWORD
from .world import World, build_world


@pytest.fixture(autouse=True)
def _english_by_default():
    """Requests activate the user's language in the thread; never let it leak into the next test."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def postgres_only() -> None:
    """For tests of races between transactions (row locks, unique constraints hit by two
    connections at once): SQLite serialises every writer, so they can only run on PostgreSQL.
    They skip on the embedded SQLite default; CI sets ``CHORUS_REQUIRE_POSTGRES=1`` and so
    they can never be skipped there."""
    import os

    from django.db import connection

    if connection.vendor != "postgresql":
        reason = "needs PostgreSQL: SQLite has no row locks and serialises transactions"
        if os.environ.get("CHORUS_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason + " (CHORUS_REQUIRE_POSTGRES=1)")
        pytest.skip(reason)
