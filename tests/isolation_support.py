"""The machinery of the tenant-isolation walker (``tests/test_isolation.py``).

* ``discover_org_routes`` walks the URL resolver, nested includes and DRF routers
  included, and returns every route under ``/o/<org_slug>/`` and
  ``/api/v1/orgs/<org_slug>/`` with the full format string needed to build its URL.
* ``collect_kwarg_factories`` merges ``KWARG_FACTORIES`` of every installed app's
  ``<app>.tests.isolation`` module.
* ``tenant_snapshot`` fingerprints everything a tenant owns (row counts and a hash of
  the values of every tenant model, the organization row and its members' users).
* ``check_route_isolation`` requests one route as tenant B's admin with tenant A's
  slug and objects, and with B's slug but A's object ids, and returns the leaks it
  saw as sentences (an empty list means the route is isolated). It reports instead of
  asserting so that the walker's own self-check can prove it notices a broken scope.
"""

from __future__ import annotations

import hashlib
import importlib
import itertools
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.regex_helper import normalize
from rest_framework.test import APIClient

from advocacy.models import Membership, Organization, TenantModel, User

from .world import Tenant, World

PAGE_PREFIX = "o/%(org_slug)s/"
API_PREFIX = "api/v1/orgs/%(org_slug)s/"
ORG_KWARG = "org_slug"
#: Keywords that only select a representation of the same route (format-suffix duplicates).
FORMAT_KWARGS = frozenset({"format"})
WRITE_METHODS = ("post", "put", "patch", "delete")
ALL_METHODS = ("get", *WRITE_METHODS)

KwargFactory = Callable[[Tenant], Any]


class UnknownKwargError(LookupError):
    """A route takes a URL keyword that no isolation registry knows."""


# --- Discovery -------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One concrete URL pattern under an organization prefix."""

    kind: str  # "page" or "api"
    fmt: str  # e.g. "o/%(org_slug)s/members/%(member_id)s/"
    params: tuple[str, ...]
    converters: dict[str, Any] = field(hash=False, compare=False)
    callback: Callable[..., Any] = field(hash=False, compare=False)
    name: str | None = None

    @property
    def template(self) -> str:
        """The route with its keywords in angle brackets: ``o/<org_slug>/members/<member_id>/``."""
        return "/" + self.fmt % {p: f"<{p}>" for p in self.params}

    @property
    def label(self) -> str:
        return f"{self.kind} {self.template}" + (f" [{self.name}]" if self.name else "")

    @property
    def object_kwargs(self) -> tuple[str, ...]:
        return tuple(p for p in self.params if p != ORG_KWARG)

    @property
    def view_class(self) -> Any:
        """The class behind the callback: DRF's ``cls`` or Django's ``view_class``."""
        return getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)

    @property
    def owner_app(self) -> str:
        module = getattr(self.view_class or self.callback, "__module__", "") or ""
        return module.split(".")[0] or "<unknown app>"

    def allowed_methods(self) -> frozenset[str] | None:
        """Lower-case HTTP methods the route answers; ``None`` when it cannot be known."""
        actions = getattr(self.callback, "actions", None)
        if actions:  # a DRF viewset route: only the mapped methods exist
            return frozenset(m.lower() for m in actions)
        cls = self.view_class
        if cls is None:
            return None
        return frozenset(m for m in cls.http_method_names if hasattr(cls, m))

    def url(self, values: dict[str, Any]) -> str:
        converted = {}
        for p in self.params:
            conv = self.converters.get(p)
            converted[p] = conv.to_url(values[p]) if conv is not None else str(values[p])
        return "/" + self.fmt % converted


def _iter_chains(
    patterns: Sequence[URLPattern | URLResolver], chain: tuple[Any, ...] = ()
) -> Iterator[tuple[Any, ...]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _iter_chains(p.url_patterns, (*chain, p))
        else:
            yield (*chain, p)


def _chain_variants(chain: tuple[Any, ...]) -> Iterator[tuple[str, tuple[str, ...], dict]]:
    """Every (format, params, converters) a chain of patterns can produce."""
    converters: dict[str, Any] = {}
    parts = []
    for element in chain:
        converters.update(getattr(element.pattern, "converters", {}) or {})
        parts.append(normalize(element.pattern.regex.pattern))
    for combo in itertools.product(*parts):
        fmt = "".join(f for f, _ in combo)
        params = tuple(itertools.chain.from_iterable(p for _, p in combo))
        yield fmt, params, converters


def discover_org_routes(
    patterns: Sequence[URLPattern | URLResolver] | None = None,
) -> list[Route]:
    """Every route under the page and API organization prefixes, in a stable order.

    ``patterns`` defaults to the project's root URLconf.
    """
    if patterns is None:
        patterns = get_resolver().url_patterns
    routes: dict[tuple[str, tuple[str, ...]], Route] = {}
    for chain in _iter_chains(patterns):
        leaf = chain[-1]
        for fmt, params, converters in _chain_variants(chain):
            if FORMAT_KWARGS & set(params):
                continue  # the same view again with ``.json``: covered by the plain route
            if fmt.startswith(API_PREFIX):
                kind = "api"
            elif fmt.startswith(PAGE_PREFIX):
                kind = "page"
            else:
                continue
            key = (fmt, params)
            if key not in routes:
                routes[key] = Route(
                    kind=kind,
                    fmt=fmt,
                    params=params,
                    converters=dict(converters),
                    callback=leaf.callback,
                    name=leaf.name,
                )
    return sorted(routes.values(), key=lambda r: (r.kind, r.fmt))


# --- Registries ------------------------------------------------------------------


@dataclass
class Registry:
    factories: dict[str, KwargFactory]
    sources: dict[str, str]  # kwarg -> module that defined it
    conflicts: list[str]


def collect_kwarg_factories() -> Registry:
    """Merge ``KWARG_FACTORIES`` of every installed app's ``<app>.tests.isolation``."""
    factories: dict[str, KwargFactory] = {ORG_KWARG: lambda t: t.org.slug}
    sources = {ORG_KWARG: "tests.isolation_support"}
    conflicts: list[str] = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.tests.isolation"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            # Only "this app has no registry" is fine; a broken import inside one is not.
            if exc.name and module_name.startswith(exc.name):
                continue
            raise
        for kwarg, factory in getattr(module, "KWARG_FACTORIES", {}).items():
            if kwarg in factories and factories[kwarg] is not factory:
                conflicts.append(
                    f"URL keyword {kwarg!r} is defined by both {sources[kwarg]} and "
                    f"{module_name}; keyword names must be unique across apps."
                )
                continue
            factories[kwarg] = factory
            sources[kwarg] = module_name
    return Registry(factories=factories, sources=sources, conflicts=conflicts)


def unknown_kwarg_message(route: Route, kwarg: str) -> str:
    return (
        f"{route.label} takes the URL keyword {kwarg!r}, which no isolation registry knows. "
        f"Add it to KWARG_FACTORIES in {route.owner_app}/tests/isolation.py "
        f"(a function of a tests.world.Tenant returning the value for an object that tenant "
        f"owns), so the isolation walker can try it across tenants."
    )


def route_values(route: Route, tenant: Tenant, registry: Registry) -> dict[str, Any]:
    values = {}
    for kwarg in route.params:
        if kwarg not in registry.factories:
            raise UnknownKwargError(unknown_kwarg_message(route, kwarg))
        try:
            values[kwarg] = registry.factories[kwarg](tenant)
        except Exception as exc:
            raise RuntimeError(
                f"KWARG_FACTORIES[{kwarg!r}] of {registry.sources[kwarg]} failed for "
                f"{route.label}: {type(exc).__name__}: {exc}"
            ) from exc
    return values


# --- Snapshots -------------------------------------------------------------------


def _tenant_scoped_querysets(org: Organization) -> Iterator[tuple[str, models.QuerySet]]:
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        if issubclass(model, TenantModel):
            yield label, model._base_manager.filter(organization=org)
        elif model._meta.auto_created:
            # Many-to-many tables of tenant models carry the organization only through a side.
            for f in model._meta.fields:
                if f.is_relation and f.related_model and issubclass(f.related_model, TenantModel):
                    yield label, model._base_manager.filter(**{f"{f.name}__organization": org})
                    break
    yield "advocacy.Organization", Organization._base_manager.filter(pk=org.pk)
    users = User._base_manager.filter(
        pk__in=Membership._base_manager.filter(organization=org).values("user_id")
    ).defer("last_login")
    yield "advocacy.User(members)", users


def _digest(qs: models.QuerySet) -> tuple[int, str]:
    fields = [f.attname for f in qs.model._meta.concrete_fields if f.attname != "last_login"]
    rows = list(qs.order_by("pk").values_list(*fields))
    return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()


def tenant_snapshot(org: Organization) -> dict[str, tuple[int, str]]:
    """Row count and a hash of the values of everything the organization owns."""
    return {label: _digest(qs) for label, qs in _tenant_scoped_querysets(org)}


def snapshot_diff(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> str:
    changed = []
    for label in sorted(set(before) | set(after)):
        b, a = before.get(label), after.get(label)
        if b != a:
            counts = f"{b[0] if b else 0} -> {a[0] if a else 0} rows"
            changed.append(
                f"{label} ({counts}{', values changed' if b and a and b[0] == a[0] else ''})"
            )
    return "; ".join(changed)


# --- The check -------------------------------------------------------------------


def write_bodies(values_a: dict[str, Any], tenant_a: Tenant) -> list[dict[str, Any]]:
    """An empty body and a plausible one that points at tenant A's things: a 404 must come
    before validation, so neither may get further than the other."""
    generic: dict[str, Any] = {
        "name": "Leaked",
        "title": "Leaked",
        "email": "leaked@example.com",
        "role": "admin",
        "is_active": "false",
        "department": tenant_a.department.pk,
        "department_id": tenant_a.department.pk,
        "member": tenant_a.members["employee"].pk,
        "text": "Leaked",
        "body": "Leaked",
        "url": "https://example.com/leaked",
        "language": "en",
        "confirm": "yes",
    }
    for kwarg, value in values_a.items():
        if kwarg == ORG_KWARG:
            continue
        generic[kwarg] = value
        if kwarg.endswith("_id"):
            generic[kwarg[: -len("_id")]] = value
    return [{}, generic]


def _request(client: Any, route: Route, method: str, url: str, body: dict[str, Any] | None) -> int:
    call = getattr(client, method)
    if route.kind == "api":
        resp = call(url) if body is None else call(url, body, format="json")
    elif body is None:
        resp = call(url)
    elif method == "post":
        resp = call(url, body)
    else:
        resp = call(url, urlencode(body), content_type="application/x-www-form-urlencoded")
    return resp.status_code


def _clients(user: User) -> tuple[Client, APIClient]:
    page, api = Client(), APIClient()
    page.force_login(user)
    api.force_login(user)
    return page, api


def missing_value(value: Any) -> Any:
    """A value of the same shape as ``value`` that names no object at all."""
    if isinstance(value, uuid.UUID) or _UUID_RE.fullmatch(str(value)):
        return "00000000-0000-0000-0000-000000000000"
    if isinstance(value, int) or str(value).isdigit():
        return 2147483647
    return "no-such-object-0"


_UUID_RE = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


def check_route_isolation(route: Route, world: World, registry: Registry) -> list[str]:
    """Request ``route`` as tenant B's admin against tenant A; return every leak seen.

    1. A's slug and A's objects: every method must answer 404 (405 only for a method the
       route does not have): the organization is resolved before anything else.
    2. B's own slug with A's object ids (routes whose keywords name tenant objects): 404,
       or a refusal that does not depend on the object at all: the same 403/405 that
       B's admin gets for an id that exists nowhere (e.g. a method the route does not
       map, or an action no role may call). "Missing" and "not yours" look the same.
    Tenant A's rows must be identical after every write.
    """
    a, b = world.a, world.b
    values_a = route_values(route, a, registry)
    values_b = route_values(route, b, registry)
    attempts: list[tuple[str, str, str | None]] = [
        ("A's slug and A's objects", route.url(values_a), None)
    ]
    # Only keywords whose value differs between the tenants name tenant objects.
    foreign = [k for k in route.object_kwargs if values_a[k] != values_b[k]]
    if foreign:
        cross = {**values_a, ORG_KWARG: b.org.slug}
        missing = {**cross, **{k: missing_value(values_a[k]) for k in foreign}}
        attempts.append(("B's own slug with A's object ids", route.url(cross), route.url(missing)))

    allowed = route.allowed_methods()
    page_client, api_client = _clients(b.admin)
    client = api_client if route.kind == "api" else page_client
    leaks: list[str] = []
    baseline = tenant_snapshot(a.org)
    for what, url, missing_url in attempts:
        for method in ALL_METHODS:
            bodies: list[dict[str, Any] | None] = (
                [None] if method in ("get", "delete") else [*write_bodies(values_a, a)]
            )
            for body in bodies:
                status = _request(client, route, method, url, body)
                ok = status == 404 or (
                    status == 405 and allowed is not None and method not in allowed
                )
                expected = "404"
                if not ok and missing_url is not None and status in (403, 405):
                    missing_status = _request(client, route, method, missing_url, body)
                    ok = status == missing_status
                    expected = f"404, or the {missing_status} a missing object gets"
                shown = (
                    "" if body is None else (" with an empty body" if not body else " with a body")
                )
                if not ok:
                    leaks.append(
                        f"{route.label}: {method.upper()} {url}{shown} as tenant B's admin "
                        f"({what}) answered {status}, expected {expected}"
                    )
                if method != "get":
                    after = tenant_snapshot(a.org)
                    if after != baseline:
                        leaks.append(
                            f"{route.label}: {method.upper()} {url}{shown} as tenant B's admin "
                            f"({what}) changed tenant A's data: {snapshot_diff(baseline, after)}"
                        )
                        baseline = after
    return leaks
