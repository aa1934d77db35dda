"""The API keeps its contract: a bounded, deterministic schema-driven fuzz.

Schemathesis reads ``/api/v1/schema/`` from a live server (pytest-django's ``live_server``)
and, for every operation, as an admin's and as an employee's personal API token, draws a
few requests from the schema (valid ones and invalid ones) and checks each answer: no 5xx,
only documented status codes and content types, and every body matches its documented
schema. Path ids are the tenant's real objects half the time (the isolation registries of
``<app>/tests/isolation.py``), so the documented 200 bodies are checked, not only 404s.

Bounded and repeatable: ``derandomize=True`` (the examples come from a fixed seed derived
from the test, the same on every run), no example database, no shrinking, and a few
examples per operation (``CHORUS_FUZZ_EXAMPLES``, default 5). Every failure is collected
and they are reported together, one line each. Nothing but the live server is called.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from advocacy.models import Role
from advocacy.services.tokens import api_token_create
from content_library import demo as content_demo
from guidelines import demo as guidelines_demo

from .isolation_support import collect_kwarg_factories
from .world import Tenant

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = int(os.environ.get("CHORUS_FUZZ_EXAMPLES", "5"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _seed(tenant: Tenant) -> None:
    from advocacy.demo import DemoMembers

    members = DemoMembers(memberships=list(tenant.members.values()))
    content_demo.seed(organization=tenant.org, members=members)
    guidelines_demo.seed(organization=tenant.org, members=members)


def _real_ids(tenant: Tenant) -> dict[str, Any]:
    """URL keyword -> the id of an object of ``tenant`` (created where needed)."""
    return {
        kwarg: factory(tenant) for kwarg, factory in collect_kwarg_factories().factories.items()
    }


def _describe(label: str, exc: BaseException) -> list[str]:
    inner = getattr(exc, "exceptions", None) or [exc]
    lines = []
    for failure in inner:
        title = getattr(failure, "title", type(failure).__name__)
        message = " ".join(str(getattr(failure, "message", "") or failure).split())
        lines.append(f"{label}: {title}: {message[:300]}")
    return lines


def fuzz_operation(
    operation: Any,
    *,
    base_url: str,
    headers: dict[str, str],
    org_slug: str,
    real_ids: dict[str, Any],
    forbidden: Callable[[Any], bool],
    label: str,
) -> list[str]:
    problems: list[str] = []
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=strategy, use_real=st.booleans())
    def run(case: Any, use_real: bool) -> None:
        params = case.path_parameters or {}
        if "org_slug" in params:
            params["org_slug"] = org_slug
        if use_real:
            for name in params:
                if name != "org_slug" and real_ids.get(name) is not None:
                    params[name] = real_ids[name]
        assume(not forbidden(case))
        try:
            case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)
        except (AssertionError, FailureGroup) as exc:
            problems.extend(_describe(f"{label} {operation.label}", exc))

    run()
    return sorted(set(problems))


@pytest.fixture
def fuzz_setup(live_server, world, settings, tmp_path, monkeypatch):
    from .celery_support import isolated_app

    app = isolated_app(tmp_path, monkeypatch)  # tasks the API enqueues go nowhere
    _seed(world.a)
    tokens = {}
    for role in (Role.ADMIN, Role.EMPLOYEE):
        token, raw = api_token_create(actor=world.a.user(role), name=f"fuzz {role}")
        tokens[role] = (token, raw)
    real_ids = _real_ids(world.a)
    yield live_server.url, tokens, real_ids
    app.control.purge()


def test_the_api_answers_as_its_schema_says_for_an_admin_and_an_employee(fuzz_setup, world):
    base, tokens, real_ids = fuzz_setup
    problems: list[str] = []
    operations = 0
    # The employee first: the admin's writes (deactivating a member) could end its access.
    for role in (Role.EMPLOYEE, Role.ADMIN):
        token, raw = tokens[role]
        headers = {"Authorization": f"Bearer {raw}"}
        schema = schemathesis.openapi.from_url(f"{base}/api/v1/schema/", headers=headers)
        own_membership = world.a.members[role].pk

        def forbidden(case: Any, token_id: int = token.pk, own: int = own_membership) -> bool:
            """Requests that would end this role's own access half-way through the run."""
            params = case.path_parameters or {}
            if case.method.upper() == "DELETE" and str(params.get("token_id")) == str(token_id):
                return True
            return (
                "member_id" in params
                and str(params["member_id"]) == str(own)
                and case.method.upper() in ("PATCH", "POST")
            )

        for result in schema.get_all_operations():
            assert isinstance(result, Ok), f"the schema has an operation it cannot test: {result}"
            operation = result.ok()
            operations += 1
            problems += fuzz_operation(
                operation,
                base_url=base,
                headers=headers,
                org_slug=world.a.org.slug,
                real_ids=real_ids,
                forbidden=forbidden,
                label=str(role),
            )
    assert operations > 100
    assert not problems, f"{len(problems)} contract violations:\n" + "\n".join(problems)
