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


def test_every_dangerously_function_is_listed_in_one_place():
    for module in {name.rsplit(".", 1)[0] for name in _defined_dangerously_functions()}:
        importlib.import_module(module)  # registration happens at import
    unlisted = _defined_dangerously_functions() - set(dangerous.CROSS_TENANT_QUERIES)
    assert not unlisted, (
        f"{sorted(unlisted)} cross tenants but are not registered with "
        "@advocacy.dangerous.dangerously(why)"
    )
    assert all(why for why in dangerous.CROSS_TENANT_QUERIES.values())


def test_the_listed_sweeps_to_rename_exist():
    for dotted in dangerous.CROSS_TENANT_QUERIES_TO_RENAME:
        module, name = dotted.rsplit(".", 1)
        assert hasattr(importlib.import_module(module), name), dotted


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
