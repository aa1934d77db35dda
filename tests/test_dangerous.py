"""Cross-tenant queries are named ``dangerously_*`` and listed in one module,
``advocacy/dangerous.py``; global cache keys are listed there with their reasons."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from django.conf import settings

from advocacy import dangerous

PROJECT_APPS = ("advocacy", "content_library", "guidelines", "social", "campaigns", "analytics")


def _defined_dangerously_functions() -> set[str]:
    found = set()
    base = Path(settings.BASE_DIR)
    for app in PROJECT_APPS:
        for path in (base / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            module = ".".join(path.relative_to(base).with_suffix("").parts)
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (
                    node.name.startswith("dangerously_")
                ):
                    found.add(f"{module}.{node.name}")
    return found


def _import_all(names):
    for module in {name.rsplit(".", 1)[0] for name in names}:
        importlib.import_module(module)  # registration happens at import


def test_every_dangerously_function_is_registered_and_listed_in_one_place():
    defined = _defined_dangerously_functions()
    _import_all(defined)
    unregistered = defined - set(dangerous.CROSS_TENANT_QUERIES)
    assert not unregistered, (
        f"{sorted(unregistered)} cross tenants but are not registered with "
        "@advocacy.dangerous.dangerously(why)"
    )
    unlisted = defined - set(dangerous.CROSS_TENANT_SWEEPS)
    assert not unlisted, (
        f"{sorted(unlisted)} are missing from advocacy.dangerous.CROSS_TENANT_SWEEPS"
    )
    assert all(why for why in dangerous.CROSS_TENANT_QUERIES.values())


def test_every_listed_cross_tenant_query_exists_and_is_registered():
    _import_all(dangerous.CROSS_TENANT_SWEEPS)
    for dotted in dangerous.CROSS_TENANT_SWEEPS:
        module, name = dotted.rsplit(".", 1)
        assert name.startswith("dangerously_"), dotted
        assert hasattr(importlib.import_module(module), name), f"{dotted} is listed but missing"
        assert dotted in dangerous.CROSS_TENANT_QUERIES, f"{dotted} is listed but not registered"
    assert not hasattr(dangerous, "CROSS_TENANT_QUERIES_TO_RENAME"), "every sweep carries the name"


def test_the_sweeps_use_the_named_queries():
    """The periodic sweeps that cross tenants are the ones listed (found by name)."""
    for dotted in (
        "content_library.selectors.sources.dangerously_sources_due",
        "social.services.publishing.dangerously_api_shares",
        "social.services.metrics.dangerously_metrics_due_shares",
        "social.services.clicks.dangerously_uncounted_clicks",
    ):
        assert dotted in dangerous.CROSS_TENANT_SWEEPS


def test_registration_refuses_a_name_without_the_prefix():
    import pytest

    with pytest.raises(TypeError, match="dangerously_"):

        @dangerous.dangerously("why")
        def sweep():  # pragma: no cover - refused at definition
            return None


def test_the_invitation_sweep_is_registered():
    assert (
        "advocacy.dangerous.dangerously_organizations_with_invitations_past_expiry"
        in dangerous.CROSS_TENANT_QUERIES
    )
    assert dangerous.GLOBAL_CACHE_KEYS
