"""Hashtag tracking's periodic sweep: public Instagram posts with the live campaigns'
hashtags, one task per organization (tasks take ids and re-load the organization)."""

from __future__ import annotations

import logging

from celery import shared_task

from advocacy.models import Organization

log = logging.getLogger(__name__)


@shared_task(name="campaigns.tasks.hashtags_fetch_due")
def hashtags_fetch_due() -> int:
    """Periodic: one fetch per organization with an Instagram business account and a live
    campaign."""
    from ..services.hashtags import dangerously_organizations_with_hashtag_search

    ids = dangerously_organizations_with_hashtag_search()
    for organization_id in ids:
        hashtags_fetch_organization.delay(organization_id)
    return len(ids)


@shared_task(name="campaigns.tasks.hashtags_fetch_organization")
def hashtags_fetch_organization(organization_id: int) -> int:
    """Search the organization's live campaign hashtags on Instagram; posts stored."""
    from ..services.hashtags import campaign_mentions_fetch

    organization = Organization.objects.filter(pk=organization_id, is_active=True).first()
    if organization is None:
        log.warning("hashtags_fetch: no active organization %s", organization_id)
        return 0
    report = campaign_mentions_fetch(organization=organization)
    if report.skipped:
        log.info("hashtags_fetch org=%s skipped %s", organization_id, report.skipped)
    return report.stored
