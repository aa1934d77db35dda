"""The content filters of the feed, the library and the API lists: ``ItemFilters`` from
a query (a NUL character is a 400, never a database error) applied to a queryset."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils.translation import gettext_lazy as _

from ..models import (
    ContentItem,
    Status,
)
from ..search import apply_search


def query_params_text(params: Any, names: Sequence[str]) -> dict[str, str]:
    """The named query parameters as text; ``ValidationError`` (one message per bad
    parameter) when one holds a NUL character, which PostgreSQL refuses in any string.
    Pages answer it with a 400 page, the API with a 400 in its error format."""
    values, errors = {}, {}
    for name in names:
        value = params.get(name) or ""
        if "\x00" in str(value):
            errors[name] = [_("This contains a character that is not allowed.")]
        values[name] = str(value)
    if errors:
        raise ValidationError(errors)
    return values


@dataclass
class ItemFilters:
    q: str = ""
    category: str = ""
    topic: int | None = None
    language: str = ""
    kind: str = ""
    status: str = ""
    campaign_ready: bool = False
    company: bool | None = None
    #: A campaign's slug: only its items.
    campaign: str = ""

    @classmethod
    def from_params(cls, params: Any) -> ItemFilters:
        """The filters of a page's or API list's query; ``ValidationError`` naming each
        parameter that holds a NUL character (see ``query_params_text``)."""
        text = query_params_text(
            params,
            (
                "q",
                "category",
                "language",
                "kind",
                "status",
                "campaign_ready",
                "company",
                "campaign",
            ),
        )
        topic = params.get("topic") or None
        try:
            topic = int(topic) if topic else None
        except (TypeError, ValueError):
            topic = -1
        company = text["company"]
        return cls(
            q=text["q"].strip()[:200],
            category=text["category"],
            topic=topic,
            language=text["language"],
            kind=text["kind"],
            status=text["status"],
            campaign_ready=text["campaign_ready"].lower() in ("1", "true", "on"),
            company=None if company == "" else company.lower() in ("1", "true", "on"),
            campaign=text["campaign"].strip()[:80],
        )

    def apply(self, qs: QuerySet[ContentItem], *, now: datetime) -> QuerySet[ContentItem]:
        if self.category:
            qs = qs.filter(category=self.category)
        if self.topic is not None:
            qs = qs.filter(
                Exists(
                    ContentItem.topics.through.objects.filter(
                        contentitem_id=OuterRef("pk"), topic_id=self.topic
                    )
                )
            )
        if self.language:
            qs = qs.filter(language=self.language)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.company is not None:
            qs = qs.filter(is_company_content=self.company)
        if self.status == "scheduled":
            qs = qs.filter(status=Status.APPROVED, publish_at__gt=now)
        elif self.status == "expired":
            qs = qs.filter(status=Status.APPROVED, expires_at__lte=now)
        elif self.status:
            qs = qs.filter(status=self.status)
        if self.campaign_ready:
            qs = qs.filter(status=Status.APPROVED).filter(
                Q(expires_at__isnull=True) | Q(expires_at__gt=now)
            )
        if self.campaign:
            from campaigns.models import CampaignItem

            qs = qs.filter(
                Exists(
                    CampaignItem.objects.filter(
                        item_id=OuterRef("pk"),
                        organization_id=OuterRef("organization_id"),
                        campaign__slug=self.campaign,
                    )
                )
            )
        return apply_search(qs, self.q)
