"""Benchmark rows of the core: organization home, the organization API and the member
directory (page and API, listing and searching)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from bench.harness import JSON, BenchContext, Scenario


def _members_page(slug: str) -> str:
    try:
        return reverse("members_list", kwargs={"org_slug": slug})
    except NoReverseMatch:
        return f"/o/{slug}/members/"


def scenarios(ctx: BenchContext) -> list[Scenario]:
    slug = ctx.slug
    members_page = _members_page(slug)
    members_api = f"/api/v1/orgs/{slug}/members/"
    return [
        Scenario("org home page", f"/o/{slug}/"),
        Scenario("org API detail", f"/api/v1/orgs/{slug}/", headers=JSON),
        Scenario("member list page", members_page),
        Scenario(
            f"member search page (q={ctx.search_fragment!r})",
            f"{members_page}?{urlencode({'q': ctx.search_fragment})}",
        ),
        Scenario("members API list", members_api, headers=JSON),
        Scenario(
            f"members API search (search={ctx.search_fragment!r})",
            f"{members_api}?{urlencode({'search': ctx.search_fragment})}",
            headers=JSON,
        ),
    ]
