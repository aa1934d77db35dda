"""Reads of company-page amplification: the organization's pages, the employees' best posts
(candidates) and the amplifications made.

Candidates are bounded lists (the top ``CANDIDATES_LIMIT`` by the chosen ranking): a manager
picks among the best posts, never pages through all of them. Each costs a fixed number of
queries whatever its length (``select_related``, an ``Exists`` annotation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Exists, F, IntegerField, OuterRef, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocacy.models import Organization
from advocacy.networks import Network
from social.models import (
    AccountStatus,
    OrganizationAccount,
    OrganizationAccountKind,
    Share,
    ShareMethod,
    ShareState,
)

from ..models import Amplification

CANDIDATES_LIMIT = 50
#: Networks whose posts a company page can re-share (LinkedIn reshare, Facebook page link post).
AMPLIFIABLE_NETWORKS = (Network.LINKEDIN, Network.FACEBOOK)
PAGE_KINDS = (OrganizationAccountKind.LINKEDIN_PAGE, OrganizationAccountKind.FACEBOOK_PAGE)

#: Ranking -> (label, definition). The definitions are shown where the numbers are.
RANKINGS: dict[str, tuple[object, object]] = {
    "engagement": (
        _("Engagement"),
        _(
            "Reactions, comments and reshares the network reported for the post (unknown "
            "counts as 0)."
        ),
    ),
    "impressions": (
        _("Impressions"),
        _("How many times the network showed the post (unknown counts as 0)."),
    ),
    "clicks": (
        _("Clicks"),
        _("People (not bots) who opened the post's tracked link."),
    ),
}
PERIODS: dict[str, int | None] = {"7": 7, "30": 30, "90": 90, "all": None}


@dataclass(frozen=True)
class CandidateFilters:
    ranking: str = "engagement"
    network: str = ""
    campaign_id: int | None = None
    period: str = "30"


def company_pages(*, organization: Organization) -> QuerySet[OrganizationAccount]:
    """The organization's LinkedIn and Facebook pages, connected ones first."""
    return (
        OrganizationAccount.objects.for_org(organization)
        .filter(kind__in=PAGE_KINDS)
        .select_related("connected_by__user")
        .order_by("kind", "display_name", "pk")
    )


def usable_company_pages(*, organization: Organization) -> list[OrganizationAccount]:
    return [
        page
        for page in company_pages(organization=organization).filter(status=AccountStatus.CONNECTED)
        if page.is_usable
    ]


def amplifiable_shares(*, organization: Organization) -> QuerySet[Share]:
    """Published API shares with a network post id, on a network a page can re-share."""
    return (
        Share.objects.for_org(organization)
        .filter(
            state=ShareState.PUBLISHED,
            method=ShareMethod.API,
            network__in=AMPLIFIABLE_NETWORKS,
        )
        .exclude(external_id="")
    )


def candidates(*, organization: Organization, filters: CandidateFilters) -> list[Share]:
    """The best ``CANDIDATES_LIMIT`` posts by ``filters.ranking`` (each with ``score`` and
    ``amplified``, whether a page already re-shared it)."""
    shares = amplifiable_shares(organization=organization)
    if filters.network:
        shares = shares.filter(network=filters.network)
    if filters.campaign_id is not None:
        shares = shares.filter(campaign_id=filters.campaign_id)
    days = PERIODS.get(filters.period)
    if days is not None:
        shares = shares.filter(published_at__gte=timezone.now() - timedelta(days=days))
    zero = Value(0, output_field=IntegerField())
    score: Any
    if filters.ranking == "impressions":
        score = Coalesce(F("impressions"), zero)
    elif filters.ranking == "clicks":
        score = Coalesce(F("clicks"), zero)
    else:
        score = (
            Coalesce(F("reactions"), zero)
            + Coalesce(F("comments"), zero)
            + Coalesce(F("reshares"), zero)
        )
    amplified = Amplification.objects.filter(share=OuterRef("pk"))
    return list(
        shares.annotate(score=score, amplified=Exists(amplified))
        .select_related("membership__user", "membership__department", "item", "campaign", "link")
        .order_by("-score", "-published_at", "-id")[:CANDIDATES_LIMIT]
    )


def candidate_get(*, organization: Organization, share_id: int) -> Share | None:
    return (
        amplifiable_shares(organization=organization)
        .select_related("membership__user", "item", "link")
        .filter(pk=share_id)
        .first()
    )


def amplifications(*, organization: Organization) -> QuerySet[Amplification]:
    """Newest first, with what a list shows (share, its author and item, page, who asked)."""
    return (
        Amplification.objects.for_org(organization)
        .select_related("share__membership__user", "share__item", "account", "created_by__user")
        .order_by("-id")
    )
