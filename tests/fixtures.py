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
