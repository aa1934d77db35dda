from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The unread count is cached per membership id; ids repeat across tests."""
    cache.clear()
    yield
    cache.clear()
