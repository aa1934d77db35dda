"""Scoring: which facts earn points, how many, and their reversal; the rules' changes.

Every earning goes through ``campaigns.services.ledger`` (``points_entries_append``, the batch
form of the one write path), and every fact has a ``dedupe_key`` that names it, so running
any scoring twice, or on two workers at once, records it once:

==========================  =====================================================  ==================
Action                      The fact, and its key                                  Scored when
==========================  =====================================================  ==================
share published             ``share_published:<share>``                            the share reaches ``published``
human click                 ``human_click:<share>:<clicks reached>``               the click drain counted them
engagement                  ``engagement:<share>:<level reached>``                 a metrics pull stored them
suggestion accepted         ``suggestion_accepted:<suggestion>`` (to the author)   a curator accepted it
policy acknowledged         ``policy_acknowledged:<document>:<member>``            the member accepted a version
weekly streak               ``weekly_streak:<member>:<ISO year-week>``             the week ended (beat task)
invitation accepted         ``invitation_accepted:<user who joined>`` (inviter)    a colleague joined
==========================  =====================================================  ==================

Decisions, and why:

* **Clicks: one entry per share per counting batch**, carrying the number of clicks in
  ``quantity``. The click drain counts up to 1,000 click rows per transaction; scoring then
  writes one entry per share they touched (not one per click), so a burst of 10,000 clicks on
  one share is ten entries and the ledger is not ten times the click table. Only human clicks
  count (``Share.clicks`` is people only; bot clicks never reach it).
* **Clicks and engagement score the increase only.** ``PointsShareProgress`` keeps how many
  clicks, and how much engagement (reactions + comments + reshares), scoring has already
  looked at per share; a pull reporting less than before scores nothing, and a cap that took
  points away does not defer them (the increase is used up either way).
* **The policy: once per member per document** (the first version they accept), never again
  for later versions of the same document: an admin republishing a policy cannot farm points.
* **An invitation: once per person who joins the organization** (a new membership, not a
  reactivation), to the colleague who invited them.
* **Caps.** ``daily_cap``: the most points one member earns by one action in one day of the
  organization's time zone (the day the fact happened). ``per_share_cap``: the most points
  one share earns by clicks, or by engagement, over its life. Both cap the points recorded
  (after a campaign's multiplier). An entry takes only what is left under them; nothing
  left, no entry. Points later reversed still count toward the limit of their day.
* **Campaigns.** A share with a campaign earns ``floor(points * multiplier)`` and its entries
  carry the campaign.
* **Rules in force.** The points of a fact are those of the latest ``PointsRule`` of its
  action whose ``effective_from`` is not after the fact (``DEFAULT_POINTS`` when the
  organization has none yet). Saving a rule adds a row effective now; past entries keep
  their points (forward only).
* **Reversal.** A cancelled share, a share deleted in Chorus, or a post the network says is
  gone has every earned entry reversed (``REVERSAL`` entries that point at what they
  reverse; spendable points already spent are not taken below zero), and earns nothing more.
* **Inactive members** earn nothing.
"""

from __future__ import annotations

import logging
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.models import Membership, Organization
from advocacy.permissions import Capability, capability_require
from advocacy.services.audit import audit_log_record

from ..models import (
    EARNING_ACTIONS,
    Campaign,
    PointsAction,
    PointsBalance,
    PointsEntry,
    PointsRule,
    PointsShareProgress,
    RecognitionSettings,
)
from .ledger import (
    PointsDraft,
    points_balances_lock,
    points_entries_append,
    points_entry_append,
    update_from_values,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RuleValues:
    """Points for one action (per click / per unit of engagement for those two)."""

    points: int
    daily_cap: int | None
    per_share_cap: int | None


#: The points of an organization that has saved no rule for an action. Per click and per
#: reaction, comment or reshare for clicks and engagement; caps in points.
DEFAULT_POINTS: dict[str, RuleValues] = {
    PointsAction.SHARE_PUBLISHED: RuleValues(points=10, daily_cap=50, per_share_cap=None),
    PointsAction.HUMAN_CLICK: RuleValues(points=1, daily_cap=100, per_share_cap=50),
    PointsAction.ENGAGEMENT: RuleValues(points=2, daily_cap=100, per_share_cap=60),
    PointsAction.SUGGESTION_ACCEPTED: RuleValues(points=25, daily_cap=75, per_share_cap=None),
    PointsAction.POLICY_ACKNOWLEDGED: RuleValues(points=5, daily_cap=20, per_share_cap=None),
    PointsAction.WEEKLY_STREAK: RuleValues(points=20, daily_cap=None, per_share_cap=None),
    PointsAction.INVITATION_ACCEPTED: RuleValues(points=15, daily_cap=75, per_share_cap=None),
}
#: Actions whose points are per unit (``quantity``) and that a share's per-share cap bounds.
PER_UNIT_ACTIONS = (PointsAction.HUMAN_CLICK, PointsAction.ENGAGEMENT)
#: A member earns a streak entry for a week when they published at least
#: ``RecognitionSettings.streak_min_shares`` shares in it and in each of the weeks before it,
#: ``STREAK_WEEKS`` weeks in all.
STREAK_WEEKS = 2
#: Bounds of what a manager may set (points per fact; caps in points).
MAX_POINTS = 10_000
MAX_CAP = 1_000_000


def organization_zone(organization: Organization) -> ZoneInfo:
    try:
        return ZoneInfo(organization.time_zone or "UTC")
    except Exception:  # an unknown zone in old data: UTC rather than fail scoring
        return ZoneInfo("UTC")


def local_day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    return start, start + timedelta(days=1)


# --- Rules ----------------------------------------------------------------------------------


class RuleBook:
    """An organization's rules of every action, loaded once: which one was in force when."""

    def __init__(self, organization_id: int) -> None:
        self.by_action: dict[str, list[PointsRule]] = defaultdict(list)
        for rule in PointsRule.objects.filter(organization_id=organization_id).order_by(
            "effective_from", "id"
        ):
            self.by_action[rule.action].append(rule)

    def in_force(self, action: str, at: datetime) -> tuple[RuleValues, PointsRule | None]:
        chosen = None
        for rule in self.by_action.get(action, ()):
            if rule.effective_from <= at:
                chosen = rule
            else:
                break
        if chosen is None:
            return DEFAULT_POINTS[action], None
        return RuleValues(chosen.points, chosen.daily_cap, chosen.per_share_cap), chosen


def _validate_rule(
    *, action: str, points: Any, daily_cap: Any, per_share_cap: Any
) -> tuple[int, int | None, int | None]:
    errors: dict[str, list[str]] = {}
    if action not in {a.value for a in EARNING_ACTIONS}:
        errors["action"] = [_("Choose one of the actions that earn points.")]

    def whole(name: str, value: Any, *, upper: int, optional: bool) -> int | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if optional:
                return None
            errors[name] = [_("This field is required.")]
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and re.fullmatch(r"-?\d{1,9}", value.strip()):
            number = int(value.strip())
        else:
            errors[name] = [_("A whole number.")]
            return None
        low = 1 if optional else 0
        if number < low or number > upper:
            errors[name] = [_("Between %(low)s and %(high)s.") % {"low": low, "high": upper}]
            return None
        return number

    p = whole("points", points, upper=MAX_POINTS, optional=False)
    d = whole("daily_cap", daily_cap, upper=MAX_CAP, optional=True)
    s = whole("per_share_cap", per_share_cap, upper=MAX_CAP, optional=True)
    if s is not None and action not in PER_UNIT_ACTIONS:
        errors["per_share_cap"] = [_("Only clicks and engagement have a limit per share.")]
    if errors:
        raise ValidationError(errors)
    return int(p or 0), d, s


def points_rule_save(
    *,
    actor: Membership,
    action: str,
    points: Any,
    daily_cap: Any = None,
    per_share_cap: Any = None,
    now: datetime | None = None,
) -> PointsRule:
    """New points for one action from now on: a new ``PointsRule`` row (never an edit), so
    nobody's past points change. Audit-logged."""
    capability_require(actor, Capability.MANAGE_CAMPAIGNS)
    p, d, s = _validate_rule(
        action=action, points=points, daily_cap=daily_cap, per_share_cap=per_share_cap
    )
    now = now or timezone.now()
    organization = actor.organization
    with transaction.atomic():
        before, _rule = RuleBook(organization.pk).in_force(action, now)
        rule = PointsRule.objects.create(
            organization=organization,
            action=action,
            points=p,
            daily_cap=d,
            per_share_cap=s,
            effective_from=now,
            created_by=actor,
            created_at=now,
        )
        audit_log_record(
            organization=organization,
            actor=actor.user,
            action="points_rule.changed",
            target=rule,
            data={
                "action": action,
                "points": [before.points, p],
                "daily_cap": [before.daily_cap, d],
                "per_share_cap": [before.per_share_cap, s],
            },
        )
    return rule


def points_anonymity_set(*, actor: Membership, anonymous: bool) -> PointsBalance:
    """The member's own choice to appear as "a colleague in <department>" on boards."""
    capability_require(actor, Capability.VIEW_OWN_STATS)
    balance, _created = PointsBalance.objects.get_or_create(
        organization_id=actor.organization_id, membership=actor
    )
    if balance.anonymous_on_boards != bool(anonymous):
        PointsBalance.objects.filter(pk=balance.pk).update(anonymous_on_boards=bool(anonymous))
        balance.anonymous_on_boards = bool(anonymous)
    return balance


# --- Scoring: the common part ---------------------------------------------------------------


@dataclass
class Fact:
    """Something a member did or received, before rules, multipliers and caps."""

    membership_id: int
    action: str
    dedupe_key: str
    occurred_at: datetime
    quantity: int = 1
    share_id: int | None = None
    campaign_id: int | None = None
    multiplier: Decimal = Decimal(1)
    object_type: str = ""
    object_id: str = ""


def _earned_per_share(organization_id: int, action: str, share_ids: set[int]) -> dict[int, int]:
    if not share_ids:
        return {}
    return dict(
        PointsEntry.objects.filter(
            organization_id=organization_id, action=action, share_id__in=share_ids
        )
        .values("share_id")
        .annotate(total=Sum("points"))
        .values_list("share_id", "total")
    )


def _earned_per_day(
    organization_id: int, zone: ZoneInfo, facts: Sequence[Fact]
) -> dict[tuple[int, str, date], int]:
    """Points each member already earned per action and local day, for the facts' days."""
    if not facts:
        return {}
    days = [f.occurred_at.astimezone(zone).date() for f in facts]
    start, _end = local_day_bounds(min(days), zone)
    _start, end = local_day_bounds(max(days), zone)
    rows = (
        PointsEntry.objects.filter(
            organization_id=organization_id,
            membership_id__in={f.membership_id for f in facts},
            action__in={f.action for f in facts},
            occurred_at__gte=start,
            occurred_at__lt=end,
        )
        .annotate(day=TruncDate("occurred_at", tzinfo=zone))
        .values("membership_id", "action", "day")
        .annotate(total=Sum("points"))
        .values_list("membership_id", "action", "day", "total")
    )
    return {(m, a, d): t for m, a, d, t in rows}


def _score(organization: Organization, facts: Sequence[Fact]) -> list[PointsEntry]:
    """Record ``facts`` with the rules in force, multipliers and caps, in one transaction
    under the members' balance locks (call inside ``transaction.atomic``, after locking).
    Facts already recorded (same key) are skipped before they use up any cap."""
    if not facts:
        return []
    org_id = organization.pk
    existing = set(
        PointsEntry.objects.filter(
            organization_id=org_id, dedupe_key__in={f.dedupe_key for f in facts}
        ).values_list("dedupe_key", flat=True)
    )
    facts = [f for f in facts if f.dedupe_key not in existing]
    active = set(
        Membership.objects.filter(
            organization_id=org_id, pk__in={f.membership_id for f in facts}, is_active=True
        ).values_list("pk", flat=True)
    )
    facts = [f for f in facts if f.membership_id in active]
    if not facts:
        return []
    zone = organization_zone(organization)
    book = RuleBook(org_id)
    per_day = _earned_per_day(org_id, zone, facts)
    per_share: dict[tuple[str, int], int] = {}
    for action in PER_UNIT_ACTIONS:
        ids = {f.share_id for f in facts if f.action == action and f.share_id is not None}
        for share_id, total in _earned_per_share(org_id, action, ids).items():
            per_share[(action, share_id)] = total
    drafts: list[PointsDraft] = []
    for fact in sorted(facts, key=lambda f: (f.occurred_at, f.dedupe_key)):
        values, rule = book.in_force(fact.action, fact.occurred_at)
        points = math.floor(Decimal(values.points * fact.quantity) * fact.multiplier)
        if values.per_share_cap is not None and fact.share_id is not None:
            used = per_share.get((fact.action, fact.share_id), 0)
            points = min(points, max(0, values.per_share_cap - used))
        day = fact.occurred_at.astimezone(zone).date()
        day_key = (fact.membership_id, fact.action, day)
        if values.daily_cap is not None:
            points = min(points, max(0, values.daily_cap - per_day.get(day_key, 0)))
        if points <= 0:
            continue
        per_day[day_key] = per_day.get(day_key, 0) + points
        if fact.share_id is not None:
            key = (fact.action, fact.share_id)
            per_share[key] = per_share.get(key, 0) + points
        drafts.append(
            PointsDraft(
                membership_id=fact.membership_id,
                action=fact.action,
                points=points,
                dedupe_key=fact.dedupe_key,
                occurred_at=fact.occurred_at,
                share_id=fact.share_id,
                campaign_id=fact.campaign_id,
                rule=rule,
                object_type=fact.object_type,
                object_id=fact.object_id,
                quantity=fact.quantity,
            )
        )
    return points_entries_append(organization_id=org_id, drafts=drafts)


def _record(organization: Organization, facts: Sequence[Fact]) -> list[PointsEntry]:
    with transaction.atomic():
        points_balances_lock(
            organization_id=organization.pk, membership_ids=[f.membership_id for f in facts]
        )
        return _score(organization, facts)


# --- Shares ---------------------------------------------------------------------------------


def _shares(organization_id: int, share_ids: Iterable[int]) -> list[Any]:
    from social.models import Share

    return list(
        Share.objects.filter(organization_id=organization_id, pk__in=set(share_ids)).order_by("pk")
    )


def _multipliers(organization_id: int, shares: Sequence[Any]) -> dict[int, Decimal]:
    ids = {s.campaign_id for s in shares if s.campaign_id}
    if not ids:
        return {}
    return dict(
        Campaign.objects.filter(organization_id=organization_id, pk__in=ids).values_list(
            "pk", "points_multiplier"
        )
    )


def _reversed_shares(organization_id: int, share_ids: set[int]) -> set[int]:
    """Shares whose points were reversed: they earn nothing more."""
    if not share_ids:
        return set()
    return set(
        PointsEntry.objects.filter(
            organization_id=organization_id,
            share_id__in=share_ids,
            action=PointsAction.REVERSAL,
        ).values_list("share_id", flat=True)
    )


def _share_fact(share: Any, multipliers: dict[int, Decimal], **kwargs: Any) -> Fact:
    return Fact(
        membership_id=share.membership_id,
        share_id=share.pk,
        campaign_id=share.campaign_id,
        multiplier=multipliers.get(share.campaign_id, Decimal(1)),
        object_type="share",
        object_id=str(share.pk),
        **kwargs,
    )


def points_score_share_published(*, organization: Organization, share_id: int) -> list[PointsEntry]:
    """A share reached ``published``: points to its member, at its publication time."""
    from social.models import ShareState

    shares = [s for s in _shares(organization.pk, [share_id]) if s.state == ShareState.PUBLISHED]
    if not shares or _reversed_shares(organization.pk, {share_id}):
        return []
    share = shares[0]
    fact = _share_fact(
        share,
        _multipliers(organization.pk, shares),
        action=PointsAction.SHARE_PUBLISHED,
        dedupe_key=f"share_published:{share.pk}",
        occurred_at=share.published_at or timezone.now(),
    )
    return _record(organization, [fact])


def _score_increase(
    *,
    organization: Organization,
    share_ids: Iterable[int],
    action: str,
    level_of: Any,
    eligible: Any,
    now: datetime | None,
) -> list[PointsEntry]:
    """Score what each share has beyond what scoring already looked at (``level_of``)."""
    now = now or timezone.now()
    org_id = organization.pk
    shares = [s for s in _shares(org_id, share_ids) if eligible(s)]
    if not shares:
        return []
    with transaction.atomic():
        points_balances_lock(
            organization_id=org_id, membership_ids=[s.membership_id for s in shares]
        )
        PointsShareProgress.objects.bulk_create(
            [
                PointsShareProgress(organization_id=org_id, share_id=s.pk, action=action)
                for s in shares
            ],
            ignore_conflicts=True,
        )
        progress = {
            p.share_id: p
            for p in PointsShareProgress.objects.select_for_update()
            .filter(organization_id=org_id, action=action, share_id__in=[s.pk for s in shares])
            .order_by("share_id")
        }
        reversed_ids = _reversed_shares(org_id, {s.pk for s in shares})
        multipliers = _multipliers(org_id, shares)
        facts: list[Fact] = []
        moved: list[PointsShareProgress] = []
        for share in shares:
            row = progress[share.pk]
            level = level_of(share)
            if level <= row.scored:
                continue  # nothing new, or the network reports less than before
            increase = level - row.scored
            row.scored, row.updated_at = level, now
            moved.append(row)
            if share.pk in reversed_ids:
                continue
            facts.append(
                _share_fact(
                    share,
                    multipliers,
                    action=action,
                    dedupe_key=f"{action}:{share.pk}:{level}",
                    occurred_at=now,
                    quantity=increase,
                )
            )
        update_from_values(
            PointsShareProgress,
            key="id",
            values={row.pk: row.scored for row in moved},
            assign="scored = {v}, updated_at = %s",
            assign_params=[now],
        )
        return _score(organization, facts)


def points_score_clicks(
    *, organization: Organization, share_ids: Iterable[int], now: datetime | None = None
) -> list[PointsEntry]:
    """Score the human clicks the shares received since they were last scored (one entry
    per share). Bot clicks are never in ``Share.clicks``."""
    from social.models import ShareState

    return _score_increase(
        organization=organization,
        share_ids=share_ids,
        action=PointsAction.HUMAN_CLICK,
        level_of=lambda s: s.clicks or 0,
        eligible=lambda s: s.state != ShareState.CANCELLED,
        now=now,
    )


def engagement_level(share: Any) -> int:
    """Reactions + comments + reshares as the network last reported them (unreported: 0);
    of a share, or of one of its metric snapshots."""
    return (share.reactions or 0) + (share.comments or 0) + (share.reshares or 0)


def points_score_engagement(
    *, organization: Organization, share_ids: Iterable[int], now: datetime | None = None
) -> list[PointsEntry]:
    """Score the increase of the shares' engagement over what was already scored."""
    from social.models import ShareState

    return _score_increase(
        organization=organization,
        share_ids=share_ids,
        action=PointsAction.ENGAGEMENT,
        level_of=engagement_level,
        eligible=lambda s: s.state == ShareState.PUBLISHED,
        now=now,
    )


def points_share_reverse(
    *, organization: Organization, share_id: int, reason: str = "", block: bool = False
) -> list[PointsEntry]:
    """Reverse every earned entry of a cancelled or deleted share (idempotent: each entry is
    reversed once, by key). Spendable points already spent are not taken below zero.

    ``block`` (a post gone from the network, whose share stays "published"): when the share
    earned nothing yet, a zero-point reversal marks it so that it earns nothing later either.
    """
    from social.models import ShareState

    reversals: list[PointsEntry] = []
    earned = list(
        PointsEntry.objects.filter(
            organization_id=organization.pk,
            share_id=share_id,
            action__in=EARNING_ACTIONS,
            points__gt=0,
        )
        .select_related("membership")
        .order_by("pk")
    )
    with transaction.atomic():
        for entry in earned:
            reversal = points_entry_append(
                membership=entry.membership,
                action=PointsAction.REVERSAL,
                points=-entry.points,
                spendable=-entry.points,
                dedupe_key=f"reversal:{entry.pk}",
                occurred_at=timezone.now(),
                share_id=share_id,
                campaign_id=entry.campaign_id,
                reverses=entry,
                object_type=entry.object_type,
                object_id=entry.object_id,
                note=reason,
                clamp_spendable=True,
            )
            if reversal is not None:
                reversals.append(reversal)
        shares = _shares(organization.pk, [share_id]) if block and not earned else []
        if shares and shares[0].state != ShareState.CANCELLED:
            # A gone post that earned nothing yet stays "published": a marker so that later
            # clicks or pulls earn nothing either (a cancelled share earns nothing anyway).
            share = shares[0]
            membership = Membership.objects.get(pk=share.membership_id)
            marker = points_entry_append(
                membership=membership,
                action=PointsAction.REVERSAL,
                points=0,
                dedupe_key=f"reversal:share:{share_id}",
                share_id=share_id,
                object_type="share",
                object_id=str(share_id),
                note=reason,
            )
            if marker is not None:
                reversals.append(marker)
    return reversals


# --- Other facts ----------------------------------------------------------------------------


def points_score_suggestion_accepted(
    *, organization: Organization, suggestion_id: int
) -> list[PointsEntry]:
    """An accepted suggestion earns its author points, at the time it was accepted."""
    from content_library.models import ContentSuggestion, SuggestionStatus

    suggestion = ContentSuggestion.objects.filter(
        organization_id=organization.pk, pk=suggestion_id, status=SuggestionStatus.ACCEPTED
    ).first()
    if suggestion is None:
        return []
    fact = Fact(
        membership_id=suggestion.submitted_by_id,
        action=PointsAction.SUGGESTION_ACCEPTED,
        dedupe_key=f"suggestion_accepted:{suggestion.pk}",
        occurred_at=suggestion.reviewed_at or timezone.now(),
        object_type="suggestion",
        object_id=str(suggestion.pk),
    )
    return _record(organization, [fact])


def points_score_policy_acknowledged(
    *, organization: Organization, acknowledgement_id: int
) -> list[PointsEntry]:
    """The first acceptance of a policy document by a member earns points (once per
    document: later versions of the same document earn nothing)."""
    from guidelines.models import PolicyAcknowledgement

    ack = (
        PolicyAcknowledgement.objects.filter(organization_id=organization.pk, pk=acknowledgement_id)
        .select_related("version")
        .first()
    )
    if ack is None:
        return []
    fact = Fact(
        membership_id=ack.membership_id,
        action=PointsAction.POLICY_ACKNOWLEDGED,
        dedupe_key=f"policy_acknowledged:{ack.version.document_id}:{ack.membership_id}",
        occurred_at=ack.acknowledged_at,
        object_type="policy_document",
        object_id=str(ack.version.document_id),
    )
    return _record(organization, [fact])


def points_score_invitation_accepted(
    *, organization: Organization, invitation_id: int
) -> list[PointsEntry]:
    """A colleague joined through an invitation: points to the member who invited them,
    once per person who joins (re-inviting a deactivated member earns nothing again)."""
    from advocacy.models import Invitation

    invitation = Invitation.objects.filter(
        organization_id=organization.pk, pk=invitation_id, accepted_at__isnull=False
    ).first()
    if invitation is None or invitation.invited_by_id is None or invitation.accepted_by_id is None:
        return []
    if invitation.invited_by_id == invitation.accepted_by_id:
        return []
    inviter = Membership.objects.filter(
        organization_id=organization.pk, user_id=invitation.invited_by_id
    ).first()
    if inviter is None:
        return []
    fact = Fact(
        membership_id=inviter.pk,
        action=PointsAction.INVITATION_ACCEPTED,
        dedupe_key=f"invitation_accepted:{invitation.accepted_by_id}",
        occurred_at=invitation.accepted_at or timezone.now(),
        object_type="invitation",
        object_id=str(invitation.pk),
    )
    return _record(organization, [fact])


# --- Weekly streaks -------------------------------------------------------------------------


def week_start(moment: datetime, zone: ZoneInfo) -> datetime:
    """Monday 00:00 of the week of ``moment`` in ``zone``."""
    local = moment.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=zone)


def points_score_weekly_streaks(
    *, organization: Organization, now: datetime | None = None, weeks_back: int = 1
) -> list[PointsEntry]:
    """Streak entries for the last ``weeks_back`` weeks that have ended (in the organization's
    time zone): one per member per week, for members who published at least
    ``streak_min_shares`` shares in that week and each of the ``STREAK_WEEKS - 1`` before."""
    from social.models import Share, ShareState

    now = now or timezone.now()
    zone = organization_zone(organization)
    settings_row = RecognitionSettings.objects.filter(organization=organization).first()
    minimum = max(1, settings_row.streak_min_shares if settings_row else 1)
    current = week_start(now, zone)

    # Weeks as their local Monday; the ones to score end at ``current``.
    def monday(n: int) -> datetime:  # n weeks before the current week, local midnight
        d = current.date() - timedelta(weeks=n)
        return datetime(d.year, d.month, d.day, tzinfo=zone)

    earliest = monday(weeks_back + STREAK_WEEKS - 1)
    published = Share.objects.filter(
        organization=organization,
        state=ShareState.PUBLISHED,
        published_at__gte=earliest,
        published_at__lt=current,
    ).values_list("membership_id", "published_at")
    counts: dict[tuple[int, date], int] = defaultdict(int)
    for membership_id, published_at in published:
        counts[(membership_id, week_start(published_at, zone).date())] += 1
    members = {m for m, _w in counts}
    facts: list[Fact] = []
    for n in range(1, weeks_back + 1):
        end = monday(n - 1)
        weeks = [monday(n + k).date() for k in range(STREAK_WEEKS)]
        iso = weeks[0].isocalendar()
        for membership_id in members:
            if all(counts.get((membership_id, w), 0) >= minimum for w in weeks):
                facts.append(
                    Fact(
                        membership_id=membership_id,
                        action=PointsAction.WEEKLY_STREAK,
                        dedupe_key=f"weekly_streak:{membership_id}:{iso.year}-W{iso.week:02d}",
                        occurred_at=end - timedelta(microseconds=1),
                        object_type="week",
                        object_id=f"{iso.year}-W{iso.week:02d}",
                    )
                )
    return _record(organization, facts) if facts else []


# --- Deriving a ledger from what already happened ------------------------------------------


def points_backfill(*, organization: Organization, now: datetime | None = None) -> int:
    """Score every fact already in the organization's data (published shares, their clicks
    and engagement, accepted suggestions, policy acceptances, invitations, streaks of the
    last weeks) through the same scoring. Idempotent: facts scored before are skipped.
    Used by the demo and after a lost signal; returns how many entries it added."""
    from advocacy.models import Invitation
    from content_library.models import ContentSuggestion, SuggestionStatus
    from guidelines.models import PolicyAcknowledgement
    from social.models import ClickEvent, MetricSnapshot, Share, ShareState

    added = 0
    shares = Share.objects.filter(organization=organization)
    for share_id in shares.filter(state=ShareState.PUBLISHED).values_list("pk", flat=True):
        added += len(points_score_share_published(organization=organization, share_id=share_id))
    # Clicks: each share's new human clicks, at the time of its latest one.
    last_clicks = (
        ClickEvent.objects.filter(organization=organization, is_bot=False, counted=True)
        .values("share_id")
        .annotate(last=Max("occurred_at"))
        .values_list("share_id", "last")
    )
    for share_id, last in last_clicks:
        if share_id is not None:
            added += len(
                points_score_clicks(organization=organization, share_ids=[share_id], now=last)
            )
    # Engagement: the metric snapshots replayed in order, each scored at its pull's time.
    snapshots = MetricSnapshot.objects.filter(organization=organization).order_by(
        "share_id", "fetched_at", "pk"
    )
    for snap in snapshots.only("share_id", "fetched_at", "reactions", "comments", "reshares"):
        added += len(
            _score_increase(
                organization=organization,
                share_ids=[snap.share_id],
                action=PointsAction.ENGAGEMENT,
                level_of=lambda _share, snap=snap: engagement_level(snap),
                eligible=lambda s: s.state == ShareState.PUBLISHED,
                now=snap.fetched_at,
            )
        )
    for pk in ContentSuggestion.objects.filter(
        organization=organization, status=SuggestionStatus.ACCEPTED
    ).values_list("pk", flat=True):
        added += len(points_score_suggestion_accepted(organization=organization, suggestion_id=pk))
    for pk in PolicyAcknowledgement.objects.filter(organization=organization).values_list(
        "pk", flat=True
    ):
        added += len(
            points_score_policy_acknowledged(organization=organization, acknowledgement_id=pk)
        )
    for pk in Invitation.objects.filter(
        organization=organization, accepted_at__isnull=False
    ).values_list("pk", flat=True):
        added += len(points_score_invitation_accepted(organization=organization, invitation_id=pk))
    added += len(points_score_weekly_streaks(organization=organization, now=now, weeks_back=8))
    return added
