"""Where campaigns listen to the apps below it: the facts that earn points.

Connected in ``CampaignsConfig.ready``. Every signal here is sent on commit of the change it
announces (robust: a failure is logged and never undoes the share, click or acceptance);
scoring is idempotent by key, so a fact announced twice scores once, and
``points_backfill`` (``manage.py points_backfill``) scores any fact whose signal was lost.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db.models.signals import pre_delete

from advocacy.models import Organization

from .services import points as scoring

log = logging.getLogger(__name__)


def _organization(organization_id: int) -> Organization | None:
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        log.info("points: organization %s is gone; nothing scored", organization_id)
    return organization


def on_share_state_changed(
    sender: Any, *, organization_id: int, share_id: int, state: str, **kwargs: Any
) -> None:
    from social.models import ShareState

    organization = _organization(organization_id)
    if organization is None:
        return
    if state == ShareState.PUBLISHED:
        scoring.points_score_share_published(organization=organization, share_id=share_id)
    elif state == ShareState.CANCELLED:
        scoring.points_share_reverse(
            organization=organization, share_id=share_id, reason="share cancelled"
        )


def on_share_clicks_counted(
    sender: Any, *, shares_by_organization: dict[int, set[int]], **kwargs: Any
) -> None:
    for organization_id, share_ids in shares_by_organization.items():
        organization = _organization(organization_id)
        if organization is not None:
            scoring.points_score_clicks(organization=organization, share_ids=share_ids)


def on_share_metrics_stored(
    sender: Any,
    *,
    shares_by_organization: dict[int, set[int]],
    gone_by_organization: dict[int, set[int]],
    at: datetime | None = None,
    **kwargs: Any,
) -> None:
    for organization_id in {*shares_by_organization, *gone_by_organization}:
        organization = _organization(organization_id)
        if organization is None:
            continue
        stored = shares_by_organization.get(organization_id) or set()
        if stored:
            scoring.points_score_engagement(organization=organization, share_ids=stored, now=at)
        for share_id in sorted(gone_by_organization.get(organization_id) or ()):
            scoring.points_share_reverse(
                organization=organization, share_id=share_id, reason="post deleted", block=True
            )


def on_share_deleted(sender: Any, *, instance: Any, origin: Any = None, **kwargs: Any) -> None:
    """A share deleted on its own (not as part of deleting its organization or member):
    its points are reversed before the row goes."""
    from social.models import Share

    if not (isinstance(origin, Share) or getattr(origin, "model", None) is Share):
        return
    organization = _organization(instance.organization_id)
    if organization is not None:
        scoring.points_share_reverse(
            organization=organization, share_id=instance.pk, reason="share deleted"
        )


def on_suggestion_accepted(
    sender: Any, *, organization_id: int, suggestion_id: int, **kwargs: Any
) -> None:
    organization = _organization(organization_id)
    if organization is not None:
        scoring.points_score_suggestion_accepted(
            organization=organization, suggestion_id=suggestion_id
        )


def on_policy_acknowledged(
    sender: Any, *, organization_id: int, acknowledgement_id: int, **kwargs: Any
) -> None:
    organization = _organization(organization_id)
    if organization is not None:
        scoring.points_score_policy_acknowledged(
            organization=organization, acknowledgement_id=acknowledgement_id
        )


def on_invitation_accepted(
    sender: Any, *, organization_id: int, invitation_id: int, created: bool, **kwargs: Any
) -> None:
    if not created:  # a reactivated member: the inviter was credited (or not) the first time
        return
    organization = _organization(organization_id)
    if organization is not None:
        scoring.points_score_invitation_accepted(
            organization=organization, invitation_id=invitation_id
        )


def connect() -> None:
    from advocacy.signals import invitation_accepted
    from content_library.signals import suggestion_accepted
    from guidelines.signals import policy_acknowledged
    from social.models import Share
    from social.signals import share_clicks_counted, share_metrics_stored, share_state_changed

    uid = "campaigns.points"
    share_state_changed.connect(on_share_state_changed, dispatch_uid=uid)
    share_clicks_counted.connect(on_share_clicks_counted, dispatch_uid=uid)
    share_metrics_stored.connect(on_share_metrics_stored, dispatch_uid=uid)
    pre_delete.connect(on_share_deleted, sender=Share, dispatch_uid=uid)
    suggestion_accepted.connect(on_suggestion_accepted, dispatch_uid=uid)
    policy_acknowledged.connect(on_policy_acknowledged, dispatch_uid=uid)
    invitation_accepted.connect(on_invitation_accepted, dispatch_uid=uid)
