"""Creating, editing, launching, ending and archiving campaigns, and the clock that moves
them: scheduled → live at ``starts_at``, live → ended at ``ends_at``.

Every status change is one conditional ``UPDATE … WHERE status = <expected>``: two workers
running the clock at once (or a manager ending a campaign while the clock ends it) change
the campaign once, and only the one whose update matched writes the audit entry.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from advocacy.dangerous import dangerously
from advocacy.models import Department, Membership, Organization, Role
from advocacy.permissions import Capability, capability_require
from advocacy.services import audit_log_record
from content_library.models import ContentItem, Status
from content_library.validators import inspect_image
from social.hashtags import HASHTAG

from ..models import (
    Campaign,
    CampaignAudience,
    CampaignAudienceDimension,
    CampaignItem,
    CampaignStatus,
    GoalMetric,
)
from ..signals import announce, campaign_went_live

logger = logging.getLogger(__name__)

MAX_HASHTAGS = 10
MAX_ITEMS = 50
MAX_MULTIPLIER = Decimal("10")
#: Statuses in which a campaign can still be edited.
EDITABLE_STATUSES = (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED, CampaignStatus.LIVE)


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def _require(actor: Membership, organization: Organization | None = None) -> None:
    capability_require(actor, Capability.MANAGE_CAMPAIGNS, organization=organization)


def _audit(actor: Membership | None, action: str, campaign: Campaign, **data: Any) -> None:
    audit_log_record(
        organization=campaign.organization,
        actor=actor.user if actor is not None else None,
        action=action,
        target=campaign,
        data={"name": campaign.name, **data},
    )


# --- Cleaning input ------------------------------------------------------------------------


def clean_hashtags(value: str | Iterable[str]) -> list[str]:
    """Hashtags from text ("#A #B, C") or a list, without ``#``, first spelling kept,
    duplicates (ignoring case) dropped; ``ValidationError`` naming a bad one."""
    parts = value.replace(",", " ").split() if isinstance(value, str) else list(value)
    tags: list[str] = []
    seen: set[str] = set()
    for raw in parts:
        tag = str(raw).strip().lstrip("#")
        if not tag:
            continue
        if not HASHTAG.fullmatch(f"#{tag}"):
            raise ValidationError(
                _("“%(tag)s” is not a hashtag: use letters, digits and _ only.")
                % {"tag": str(raw)[:60]},
                code="invalid_hashtag",
            )
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    if not tags:
        raise ValidationError(_("Give the campaign at least one hashtag."), code="required")
    if len(tags) > MAX_HASHTAGS:
        raise ValidationError(_("At most %(n)s hashtags.") % {"n": MAX_HASHTAGS}, code="too_many")
    return tags


def _clean_items(organization: Organization, items: Iterable[ContentItem | int]) -> list[int]:
    ids: list[int] = []
    for entry in items:
        pk = entry.pk if isinstance(entry, ContentItem) else entry
        try:
            pk = int(pk)
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("Choose approved items of this organization.")) from exc
        if pk not in ids:
            ids.append(pk)
    if len(ids) > MAX_ITEMS:
        raise ValidationError(_("At most %(n)s items.") % {"n": MAX_ITEMS})
    found = set(
        ContentItem.objects.for_org(organization)
        .filter(pk__in=ids, status=Status.APPROVED)
        .values_list("pk", flat=True)
    )
    if len(found) != len(ids):
        raise ValidationError(_("Choose approved items of this organization."))
    return ids


@dataclass
class Audience:
    departments: list[int]
    locations: list[str]
    roles: list[str]

    @property
    def everyone(self) -> bool:
        return not (self.departments or self.locations or self.roles)


def _clean_audience(
    organization: Organization,
    departments: Iterable[Department | int],
    locations: Iterable[str],
    roles: Iterable[str],
    errors: dict[str, list[str]],
) -> Audience:
    dept_ids: set[int] = set()
    for d in departments:
        try:
            dept_ids.add(d.pk if isinstance(d, Department) else int(d))
        except (TypeError, ValueError):
            errors.setdefault("departments", []).append(
                _("Choose departments of this organization.")
            )
            dept_ids = set()
            break
    if dept_ids and Department.objects.for_org(organization).filter(pk__in=dept_ids).count() != len(
        dept_ids
    ):
        errors.setdefault("departments", []).append(_("Choose departments of this organization."))
    locs = sorted({loc.strip()[:120] for loc in locations if loc and loc.strip()})
    role_values = sorted({r for r in roles if r})
    bad = [r for r in role_values if r not in Role.values]
    if bad:
        errors.setdefault("roles", []).append(_("Unknown role “%(role)s”.") % {"role": bad[0][:40]})
    return Audience(departments=sorted(dept_ids), locations=locs, roles=role_values)


def _aware(value: Any, field: str, errors: dict[str, list[str]]) -> datetime | None:
    if not isinstance(value, datetime):
        errors.setdefault(field, []).append(_("Give a date and time."))
        return None
    if timezone.is_naive(value):
        errors.setdefault(field, []).append(_("Give the time with its time zone."))
        return None
    return value


def _clean_fields(
    organization: Organization, values: dict[str, Any], errors: dict[str, list[str]]
) -> dict[str, Any]:
    """Check the plain fields present in ``values``; the cleaned ones, errors by field."""
    out: dict[str, Any] = {}
    if "name" in values:
        name = (values["name"] or "").strip()
        if not name:
            errors.setdefault("name", []).append(_("Give the campaign a name."))
        elif len(name) > 160:
            errors.setdefault("name", []).append(_("At most 160 characters."))
        out["name"] = name
    if "description" in values:
        out["description"] = (values["description"] or "").strip()[:20000]
    if "hashtags" in values:
        try:
            out["hashtags"] = clean_hashtags(values["hashtags"] or [])
        except ValidationError as exc:
            errors.setdefault("hashtags", []).extend(exc.messages)
    if "goal_metric" in values:
        if values["goal_metric"] not in GoalMetric.values:
            errors.setdefault("goal_metric", []).append(_("Choose one of the goals."))
        out["goal_metric"] = values["goal_metric"]
    if "goal_target" in values:
        try:
            target = int(values["goal_target"])
        except (TypeError, ValueError):
            target = 0
        if not 1 <= target <= 2_000_000_000:
            errors.setdefault("goal_target", []).append(_("Give a target of at least 1."))
        out["goal_target"] = target
    for field in ("starts_at", "ends_at"):
        if field in values:
            out[field] = _aware(values[field], field, errors)
    if "points_multiplier" in values:
        try:
            mult = Decimal(str(values["points_multiplier"])).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            mult = Decimal(-1)
        if not Decimal(0) <= mult <= MAX_MULTIPLIER:
            errors.setdefault("points_multiplier", []).append(
                _("Give a multiplier between 0 and %(max)s.") % {"max": MAX_MULTIPLIER}
            )
        out["points_multiplier"] = mult
    if "prize" in values:
        prize = (values["prize"] or "").strip()
        if len(prize) > 300:
            errors.setdefault("prize", []).append(_("At most 300 characters."))
        out["prize"] = prize
    if "cover_alt_text" in values:
        alt = (values["cover_alt_text"] or "").strip()
        if len(alt) > 300:
            errors.setdefault("cover_alt_text", []).append(_("At most 300 characters."))
        out["cover_alt_text"] = alt
    if "cover_image" in values and values["cover_image"] is not None:
        upload = values["cover_image"]
        try:
            inspect_image(upload)
        except ValidationError as exc:
            errors.setdefault("cover_image", []).extend(exc.messages)
        out["cover_image"] = upload
    return out


def _check_dates(starts_at: datetime | None, ends_at: datetime | None, errors: dict) -> None:
    if starts_at and ends_at and ends_at <= starts_at:
        errors.setdefault("ends_at", []).append(_("The campaign must end after it starts."))


def _check_cover(campaign_has_cover: bool, alt: str, errors: dict) -> None:
    if campaign_has_cover and not alt:
        errors.setdefault("cover_alt_text", []).append(
            _("Describe the cover image for people who cannot see it.")
        )


def _set_items(campaign: Campaign, item_ids: Sequence[int]) -> None:
    CampaignItem.objects.filter(campaign=campaign).exclude(item_id__in=item_ids).delete()
    existing = dict(CampaignItem.objects.filter(campaign=campaign).values_list("item_id", "pk"))
    for position, item_id in enumerate(item_ids):
        if item_id in existing:
            CampaignItem.objects.filter(pk=existing[item_id]).update(position=position)
        else:
            CampaignItem.objects.create(
                organization_id=campaign.organization_id,
                campaign=campaign,
                item_id=item_id,
                position=position,
            )


def _set_audience(campaign: Campaign, audience: Audience) -> None:
    CampaignAudience.objects.filter(campaign=campaign).delete()
    CampaignAudience.objects.bulk_create(
        [
            CampaignAudience(
                organization_id=campaign.organization_id,
                campaign=campaign,
                dimension=dim,
                value=str(v),
            )
            for dim, values in (
                (CampaignAudienceDimension.DEPARTMENT, audience.departments),
                (CampaignAudienceDimension.LOCATION, audience.locations),
                (CampaignAudienceDimension.ROLE, audience.roles),
            )
            for v in values
        ]
    )
    campaign.targets_everyone = audience.everyone
    Campaign.objects.filter(pk=campaign.pk).update(targets_everyone=campaign.targets_everyone)


def _unique_slug(organization: Organization, name: str, exclude: int | None = None) -> str:
    base = (slugify(name) or "campaign")[:70].strip("-") or "campaign"
    taken = set(
        Campaign.objects.for_org(organization)
        .filter(Q(slug=base) | Q(slug__startswith=f"{base}-"))
        .exclude(pk=exclude)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


# --- Create and edit -----------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    actor: Membership,
    name: str,
    starts_at: datetime,
    ends_at: datetime,
    hashtags: str | Iterable[str],
    description: str = "",
    goal_metric: str = GoalMetric.SHARES,
    goal_target: int = 100,
    cover_image: File | None = None,
    cover_alt_text: str = "",
    items: Iterable[ContentItem | int] = (),
    departments: Iterable[Department | int] = (),
    locations: Iterable[str] = (),
    roles: Iterable[str] = (),
    points_multiplier: Decimal | int | str = 1,
    prize: str = "",
) -> Campaign:
    """A new draft campaign; its slug comes from the name (unique in the organization)."""
    organization = actor.organization
    _require(actor, organization)
    errors: dict[str, list[str]] = {}
    cleaned = _clean_fields(
        organization,
        {
            "name": name,
            "description": description,
            "hashtags": hashtags,
            "goal_metric": goal_metric,
            "goal_target": goal_target,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "points_multiplier": points_multiplier,
            "prize": prize,
            "cover_alt_text": cover_alt_text,
            "cover_image": cover_image,
        },
        errors,
    )
    _check_dates(cleaned.get("starts_at"), cleaned.get("ends_at"), errors)
    _check_cover(cover_image is not None, cleaned.get("cover_alt_text", ""), errors)
    try:
        item_ids = _clean_items(organization, items)
    except ValidationError as exc:
        errors.setdefault("items", []).extend(exc.messages)
        item_ids = []
    audience = _clean_audience(organization, departments, locations, roles, errors)
    if errors:
        raise ValidationError(errors)
    for _attempt in range(5):
        campaign = Campaign(
            organization=organization,
            slug=_unique_slug(organization, cleaned["name"]),
            created_by=actor,
            **cleaned,
        )
        try:
            with transaction.atomic():
                campaign.save()
            break
        except IntegrityError:
            # Another campaign took the slug between the look and the insert: look again.
            continue
    else:  # pragma: no cover - five collisions in a row
        raise ValidationError({"name": [_("Another campaign has this name; try again.")]})
    _set_items(campaign, item_ids)
    _set_audience(campaign, audience)
    _audit(actor, "campaign.created", campaign)
    return campaign


@transaction.atomic
def campaign_update(
    *,
    actor: Membership,
    campaign: Campaign,
    name: Any = UNSET,
    description: Any = UNSET,
    hashtags: Any = UNSET,
    goal_metric: Any = UNSET,
    goal_target: Any = UNSET,
    starts_at: Any = UNSET,
    ends_at: Any = UNSET,
    cover_image: Any = UNSET,
    cover_alt_text: Any = UNSET,
    remove_cover: bool = False,
    items: Any = UNSET,
    departments: Any = UNSET,
    locations: Any = UNSET,
    roles: Any = UNSET,
    points_multiplier: Any = UNSET,
    prize: Any = UNSET,
) -> Campaign:
    """Change what is given (the rest stays). The slug never changes: it is in the tracked
    links already shared. Ended and archived campaigns are history and stay as they are."""
    organization = actor.organization
    _require(actor, organization)
    locked = (
        Campaign.objects.for_org(organization).select_for_update().filter(pk=campaign.pk).first()
    )
    if locked is None:
        raise ValidationError(_("Not found."))
    campaign = locked
    if campaign.status not in EDITABLE_STATUSES:
        raise ValidationError(_("An ended or archived campaign can no longer be changed."))
    given = {
        k: v
        for k, v in {
            "name": name,
            "description": description,
            "hashtags": hashtags,
            "goal_metric": goal_metric,
            "goal_target": goal_target,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "cover_image": cover_image,
            "cover_alt_text": cover_alt_text,
            "points_multiplier": points_multiplier,
            "prize": prize,
        }.items()
        if v is not UNSET
    }
    errors: dict[str, list[str]] = {}
    cleaned = _clean_fields(organization, given, errors)
    new_start = cleaned.get("starts_at")
    if campaign.status == CampaignStatus.LIVE and new_start and new_start != campaign.starts_at:
        errors.setdefault("starts_at", []).append(
            _("A live campaign has started; its start can no longer move.")
        )
    _check_dates(
        cleaned.get("starts_at", campaign.starts_at),
        cleaned.get("ends_at", campaign.ends_at),
        errors,
    )
    has_cover = (bool(campaign.cover_image) and not remove_cover) or cleaned.get(
        "cover_image"
    ) is not None
    _check_cover(has_cover, cleaned.get("cover_alt_text", campaign.cover_alt_text), errors)
    item_ids: list[int] | None = None
    if items is not UNSET:
        try:
            item_ids = _clean_items(organization, items)
        except ValidationError as exc:
            errors.setdefault("items", []).extend(exc.messages)
    audience: Audience | None = None
    if any(v is not UNSET for v in (departments, locations, roles)):
        current = campaign_audience_values(campaign)
        audience = _clean_audience(
            organization,
            current.departments if departments is UNSET else departments,
            current.locations if locations is UNSET else locations,
            current.roles if roles is UNSET else roles,
            errors,
        )
    if errors:
        raise ValidationError(errors)
    if cleaned.get("cover_image") is None:
        cleaned.pop("cover_image", None)
        if remove_cover:
            cleaned["cover_image"] = ""
            cleaned.setdefault("cover_alt_text", "")
    changed = sorted(k for k, v in cleaned.items() if getattr(campaign, k) != v)
    for k, v in cleaned.items():
        setattr(campaign, k, v)
    campaign.updated_at = timezone.now()
    campaign.save()
    if item_ids is not None:
        _set_items(campaign, item_ids)
        changed.append("items")
    if audience is not None:
        _set_audience(campaign, audience)
        changed.append("audience")
    _audit(actor, "campaign.updated", campaign, fields=changed)
    return campaign


def campaign_audience_values(campaign: Campaign) -> Audience:
    """The campaign's audience as department ids, locations and roles."""
    depts: list[int] = []
    locs: list[str] = []
    roles: list[str] = []
    for dim, value in CampaignAudience.objects.filter(
        organization_id=campaign.organization_id, campaign=campaign
    ).values_list("dimension", "value"):
        if dim == CampaignAudienceDimension.DEPARTMENT:
            depts.append(int(value))
        elif dim == CampaignAudienceDimension.LOCATION:
            locs.append(value)
        else:
            roles.append(value)
    return Audience(departments=sorted(depts), locations=sorted(locs), roles=sorted(roles))


# --- Status changes ------------------------------------------------------------------------


def _transition(
    campaign: Campaign, *, expected: Sequence[str], extra: Q | None = None, **changes: Any
) -> bool:
    """One conditional update: True when this call moved the campaign."""
    qs = Campaign.objects.filter(
        pk=campaign.pk, organization_id=campaign.organization_id, status__in=list(expected)
    )
    if extra is not None:
        qs = qs.filter(extra)
    moved = qs.update(**changes, updated_at=timezone.now()) == 1
    if moved:
        for k, v in changes.items():
            setattr(campaign, k, v)
    return moved


@transaction.atomic
def campaign_launch(
    *, actor: Membership, campaign: Campaign, now: datetime | None = None
) -> Campaign:
    """Draft → scheduled, or live when its start has passed."""
    _require(actor, actor.organization)
    now = now or timezone.now()
    campaign.refresh_from_db()
    if campaign.organization_id != actor.organization_id:
        raise ValidationError(_("Not found."))
    if campaign.status != CampaignStatus.DRAFT:
        raise ValidationError(_("Only a draft campaign can be launched."))
    if campaign.ends_at <= now:
        raise ValidationError({"ends_at": [_("The campaign's end has passed; move it first.")]})
    if not CampaignItem.objects.filter(campaign=campaign).exists():
        raise ValidationError({"items": [_("Add at least one item to share before launching.")]})
    started = campaign.starts_at <= now
    changes: dict[str, Any] = {
        "status": CampaignStatus.LIVE if started else CampaignStatus.SCHEDULED,
        "launched_at": now,
    }
    if started:
        changes["went_live_at"] = now
    moved = _transition(campaign, expected=[CampaignStatus.DRAFT], **changes)
    if not moved:
        raise ValidationError(_("Only a draft campaign can be launched."))
    _audit(actor, "campaign.launched", campaign, status=campaign.status)
    if started:
        announce(
            campaign_went_live, organization_id=campaign.organization_id, campaign_id=campaign.pk
        )
    return campaign


@transaction.atomic
def campaign_end(*, actor: Membership, campaign: Campaign, now: datetime | None = None) -> Campaign:
    """End a live campaign before its date (its results stop at this moment)."""
    _require(actor, actor.organization)
    now = now or timezone.now()
    if campaign.organization_id != actor.organization_id:
        raise ValidationError(_("Not found."))
    moved = _transition(
        campaign,
        expected=[CampaignStatus.LIVE],
        extra=Q(starts_at__lt=now),
        status=CampaignStatus.ENDED,
        ended_at=now,
        ends_at=now,
    )
    if not moved:
        raise ValidationError(_("Only a live campaign can be ended."))
    _audit(actor, "campaign.ended", campaign, early=True)
    return campaign


@transaction.atomic
def campaign_archive(
    *, actor: Membership, campaign: Campaign, now: datetime | None = None
) -> Campaign:
    """Ended → archived: off the lists, results kept."""
    _require(actor, actor.organization)
    now = now or timezone.now()
    if campaign.organization_id != actor.organization_id:
        raise ValidationError(_("Not found."))
    if not _transition(
        campaign, expected=[CampaignStatus.ENDED], status=CampaignStatus.ARCHIVED, archived_at=now
    ):
        raise ValidationError(_("Only an ended campaign can be archived."))
    _audit(actor, "campaign.archived", campaign)
    return campaign


# --- The clock -----------------------------------------------------------------------------


@dangerously(
    "The campaign clock (every minute) finds the scheduled campaigns whose start has come "
    "and the live ones whose end has come, in every active organization; each is then "
    "moved on its own, by id and organization."
)
def dangerously_campaigns_due(*, now: datetime | None = None) -> QuerySet[Campaign]:
    now = now or timezone.now()
    return Campaign.objects.filter(
        Q(status=CampaignStatus.SCHEDULED, starts_at__lte=now)
        | Q(status=CampaignStatus.LIVE, ends_at__lte=now),
        organization__is_active=True,
    )


def campaign_clock_advance(
    *, campaign_id: int, organization_id: int, now: datetime | None = None
) -> list[str]:
    """Move one campaign as its dates say; the statuses it reached (empty when another
    worker moved it first, or when nothing was due)."""
    now = now or timezone.now()
    campaign = (
        Campaign.objects.select_related("organization")
        .filter(pk=campaign_id, organization_id=organization_id)
        .first()
    )
    if campaign is None:
        logger.warning(
            "campaign_clock: no campaign %s in organization %s", campaign_id, organization_id
        )
        return []
    reached: list[str] = []
    with transaction.atomic():
        if _transition(
            campaign,
            expected=[CampaignStatus.SCHEDULED],
            extra=Q(starts_at__lte=now),
            status=CampaignStatus.LIVE,
            went_live_at=now,
        ):
            _audit(None, "campaign.went_live", campaign)
            announce(
                campaign_went_live,
                organization_id=campaign.organization_id,
                campaign_id=campaign.pk,
            )
            reached.append(CampaignStatus.LIVE)
        if _transition(
            campaign,
            expected=[CampaignStatus.LIVE],
            extra=Q(ends_at__lte=now),
            status=CampaignStatus.ENDED,
            ended_at=now,
        ):
            _audit(None, "campaign.ended", campaign, early=False)
            reached.append(CampaignStatus.ENDED)
    return reached


def campaigns_clock_tick(*, now: datetime | None = None) -> int:
    """Every due campaign moved; how many moves this call made."""
    now = now or timezone.now()
    moves = 0
    due = list(dangerously_campaigns_due(now=now).values_list("pk", "organization_id")[:1000])
    for campaign_id, organization_id in due:
        moves += len(
            campaign_clock_advance(
                campaign_id=campaign_id, organization_id=organization_id, now=now
            )
        )
    return moves
