"""Benchmark rows of the content library (the feed page and API, library search) and the
scale seeding they need: ``seed_scale_content`` bulk-inserts a 20,000-item library."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.db import connection, transaction
from django.utils import timezone

from advocacy.models import Membership, Organization

from .models import Category, ContentItem, ItemShareMark, Kind, Status, SuggestedCaption
from .search import SEARCH_CONFIG

_WORDS = [
    "logistics",
    "warehouse",
    "hiring",
    "culture",
    "product",
    "launch",
    "sustainability",
    "energy",
    "analytics",
    "customers",
    "award",
    "partnership",
    "conference",
    "webinar",
    "research",
    "security",
    "cloud",
    "AI",
    "team",
    "volunteering",
    "office",
    "Vilnius",
    "Riga",
    "Tallinn",
    "growth",
    "quarterly",
    "report",
    "innovation",
]


def _title(n: int) -> str:
    return " ".join(_WORDS[(n * k) % len(_WORDS)] for k in (1, 3, 7)).capitalize() + f" #{n}"


def seed_scale_content(organization: Organization, items: int = 20000, batch: int = 2000) -> int:
    """Top the organization's library up to ``items`` approved items (idempotent), with two
    captions each, every tenth pinned or targeted, and share marks for the admin."""
    existing = ContentItem.objects.for_org(organization).count()
    if existing >= items:
        return 0
    now = timezone.now()
    categories, kinds = Category.values, [Kind.LINK, Kind.TEXT, Kind.VIDEO]
    lang = organization.default_language
    created = 0
    for lo in range(existing, items, batch):
        hi = min(lo + batch, items)
        with transaction.atomic():
            rows = []
            for n in range(lo, hi):
                title = _title(n)
                body = f"{title}. " + " ".join(_WORDS[(n + k) % len(_WORDS)] for k in range(12))
                rows.append(
                    ContentItem(
                        organization=organization,
                        kind=kinds[n % 3],
                        title=title,
                        body=body,
                        url=f"https://example.com/scale/{n}" if n % 3 != 1 else "",
                        category=categories[n % len(categories)],
                        language=lang,
                        is_company_content=n % 5 == 0,
                        status=Status.APPROVED if n % 20 else Status.DRAFT,
                        approved_at=now - timedelta(minutes=n),
                        feed_at=now - timedelta(minutes=n),
                        expires_at=now - timedelta(days=1) if n % 50 == 7 else None,
                        is_pinned=n % 1000 == 0,
                        translation_group=uuid.uuid4(),
                        share_count=n % 40,
                        search_text=f"{title}\n{body}\nscale caption {n}".casefold(),
                    )
                )
            made = ContentItem.objects.bulk_create(rows)
            SuggestedCaption.objects.bulk_create(
                [
                    SuggestedCaption(
                        organization=organization,
                        item=item,
                        network=net,
                        text=f"{item.title} — {net}",
                        position=0,
                    )
                    for item in made
                    for net in ("linkedin", "x")
                ]
            )
            created += len(made)
    admin = Membership.objects.for_org(organization).filter(role="admin").order_by("id").first()
    if admin is not None:
        sample = (
            ContentItem.objects.for_org(organization).filter(status=Status.APPROVED).order_by("-id")
        )
        ItemShareMark.objects.bulk_create(
            [
                ItemShareMark(organization=organization, item_id=pk, membership=admin)
                for pk in sample.values_list("pk", flat=True)[:500:3]
            ],
            ignore_conflicts=True,
        )
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchVector

        ContentItem.objects.for_org(organization).filter(search_vector__isnull=True).update(
            search_vector=SearchVector("title", weight="A", config=SEARCH_CONFIG)
            + SearchVector("search_text", weight="B", config=SEARCH_CONFIG)
        )
        if created:
            # What autovacuum does within a minute in production: plans need statistics,
            # and a table bulk-loaded a moment ago has none (the planner would guess).
            with connection.cursor() as cursor:
                cursor.execute(
                    "ANALYZE content_library_contentitem, content_library_itemsharemark, "
                    "content_library_suggestedcaption"
                )
    return created


def _second_feed_page(organization: Organization, page_size: int) -> str:
    """The cursor of the admin's second feed page (what infinite scroll asks for next)."""
    from .selectors.feed import feed_page

    admin = Membership.objects.for_org(organization).filter(role="admin").order_by("id").first()
    if admin is None:
        return ""
    return feed_page(membership=admin, page_size=page_size).next_cursor or ""


def scenarios(ctx: Any) -> list[Any]:
    from bench.harness import FLOOR_API_DETAIL, JSON, Scenario

    seed_scale_content(ctx.organization, items=2000 if ctx.quick else 20000)
    slug = ctx.slug
    api = f"/api/v1/orgs/{slug}/content"
    cursor = _second_feed_page(ctx.organization, 30)
    floor = FLOOR_API_DETAIL
    return [
        Scenario("feed page (20 cards)", f"/o/{slug}/feed/", floor=floor),
        Scenario(
            "feed page, htmx next page",
            f"/o/{slug}/feed/?{urlencode({'page_size': 30, 'cursor': cursor})}",
            headers={"HTTP_HX_REQUEST": "true"},
            floor=floor,
        ),
        Scenario("feed API (page_size=30)", f"{api}/feed/?page_size=30", headers=JSON, floor=floor),
        Scenario(
            "feed search (q=logistics)",
            f"/o/{slug}/feed/?{urlencode({'q': 'logistics warehouse'})}",
            floor=floor,
        ),
        Scenario("library page", f"/o/{slug}/content/library/", floor=floor),
        Scenario(
            "library search (q=sustainability)",
            f"/o/{slug}/content/library/?q=sustainability",
            floor=floor,
        ),
        Scenario(
            "items API search",
            f"{api}/items/?{urlencode({'q': 'quarterly report'})}",
            headers=JSON,
            floor=floor,
        ),
    ]
