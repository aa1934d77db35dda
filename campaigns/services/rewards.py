"""Rewards: the catalogue (managers) and redemptions (members ask, managers decide).

Stock and points move together. ``reward_redeem`` takes one unit of stock with a
conditional ``UPDATE … SET stock = stock - 1 WHERE stock > 0`` and holds the points through
the ledger's one write path, in one transaction: when the member lacks the points the
``InsufficientPoints`` of ``points_entry_append`` rolls the stock back, so either both
happen or neither. Two members asking for the last unit at once cannot both get it (the
second ``UPDATE`` waits for the first's row lock and then finds ``stock = 0``), and the
balance's ``CHECK (spendable >= 0)`` stands behind the ledger's own check.

Every state change of a redemption is one conditional ``UPDATE … WHERE status IN (…)``:
two managers deciding at once give one decision, and the other is told what happened.
Locks are always taken in the same order (the redemption, then the member's balance,
then the reward) so that a request and a rejection cannot deadlock.

A member's double submit is answered by the request's key (``request_key``: the catalogue
form's token, or the API client's): the second submit finds the first redemption and
changes nothing. The member's balance is locked before the key is looked up, so two
submits of one key at the same moment are serialised too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.models import Membership
from advocacy.permissions import Capability, capability_require
from advocacy.services import audit_log_record
from content_library.validators import inspect_image

from ..models import PointsAction, Redemption, RedemptionStatus, Reward
from ..signals import announce, redemption_changed
from .ledger import points_balance_lock, points_entry_append

MAX_COST = 10_000_000
MAX_STOCK = 1_000_000
NOTE_MAX = 500


@dataclass(frozen=True)
class Transition:
    """One move of the redemption state machine: from which states, to which."""

    sources: tuple[str, ...]
    target: str
    audit: str


#: The redemption state machine, the one place it is written down.
APPROVE = Transition((RedemptionStatus.REQUESTED,), RedemptionStatus.APPROVED, "approved")
REJECT = Transition(
    (RedemptionStatus.REQUESTED, RedemptionStatus.APPROVED), RedemptionStatus.REJECTED, "rejected"
)
FULFIL = Transition((RedemptionStatus.APPROVED,), RedemptionStatus.FULFILLED, "fulfilled")
CANCEL = Transition((RedemptionStatus.REQUESTED,), RedemptionStatus.CANCELLED, "cancelled")
#: States whose points are still held (returned by a rejection or a cancellation).
HOLDING = (RedemptionStatus.REQUESTED, RedemptionStatus.APPROVED)


def hold_dedupe_key(redemption_id: int) -> str:
    return f"redemption:{redemption_id}:hold"


def return_dedupe_key(redemption_id: int) -> str:
    return f"redemption:{redemption_id}:return"


def _audit(actor: Membership, action: str, target: Any, data: dict[str, Any]) -> None:
    audit_log_record(
        organization=actor.organization, actor=actor.user, action=action, target=target, data=data
    )


# --- The catalogue ------------------------------------------------------------------------


def _clean_text(value: str | None, limit: int) -> str:
    return (value or "").strip()[:limit]


def _reward_fields(
    *,
    name: str | None,
    description: str | None,
    cost: int | None,
    stock: int | None,
    image_alt_text: str | None,
    has_image: bool,
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    if name is not None:
        out["name"] = " ".join(name.split())[:160]
        if not out["name"]:
            errors["name"] = [_("Give the reward a name.")]
    if description is not None:
        out["description"] = _clean_text(description, 5000)
    if cost is not None:
        if not 1 <= cost <= MAX_COST:
            errors["cost"] = [
                _("The cost is a whole number of points from 1 to %(max)s.") % {"max": MAX_COST}
            ]
        out["cost"] = cost
    if stock is not None and not 0 <= stock <= MAX_STOCK:
        errors["stock"] = [
            _("Stock is a whole number from 0 to %(max)s, or empty for unlimited.")
            % {"max": MAX_STOCK}
        ]
    if image_alt_text is not None:
        out["image_alt_text"] = _clean_text(image_alt_text, 300)
    if has_image and not out.get("image_alt_text"):
        errors["image_alt_text"] = [_("Describe the image for colleagues who use a screen reader.")]
    if errors:
        raise ValidationError(errors)
    return out


def _check_image(image: Any) -> None:
    if image:
        try:
            inspect_image(image)
        except ValidationError as exc:
            raise ValidationError({"image": exc.messages}) from exc


def reward_create(
    *,
    actor: Membership,
    name: str,
    cost: int,
    description: str = "",
    stock: int | None = None,
    image: Any = None,
    image_alt_text: str = "",
    is_active: bool = True,
) -> Reward:
    """A new reward in the catalogue. ``stock=None``: unlimited."""
    capability_require(actor, Capability.MANAGE_REWARDS)
    _check_image(image)
    fields = _reward_fields(
        name=name,
        description=description,
        cost=cost,
        stock=stock,
        image_alt_text=image_alt_text,
        has_image=bool(image),
    )
    reward = Reward(organization=actor.organization, stock=stock, is_active=is_active, **fields)
    if image:
        reward.image = image
    with transaction.atomic():
        reward.save()
        _audit(
            actor,
            "reward.created",
            reward,
            {"name": reward.name, "cost": reward.cost, "stock": reward.stock},
        )
    return reward


_UNSET: Any = object()


def reward_update(
    *,
    actor: Membership,
    reward: Reward,
    name: str | None = None,
    description: str | None = None,
    cost: int | None = None,
    stock: int | None = _UNSET,
    image: Any = None,
    remove_image: bool = False,
    image_alt_text: str | None = None,
    is_active: bool | None = None,
) -> Reward:
    """Change what is given; ``stock=None`` makes it unlimited, a missing ``stock`` keeps it.

    A new cost applies to requests from now on: pending requests keep the points they hold.
    """
    capability_require(actor, Capability.MANAGE_REWARDS, organization=reward.organization_id)
    _check_image(image)
    has_image = bool(image) or (bool(reward.image) and not remove_image)
    fields = _reward_fields(
        name=name,
        description=description,
        cost=cost,
        stock=None if stock is _UNSET else stock,
        image_alt_text=image_alt_text if image_alt_text is not None else reward.image_alt_text,
        has_image=has_image,
    )
    with transaction.atomic():
        # Locked: a redemption taking stock meanwhile must not be overwritten by our stock.
        locked = Reward.objects.select_for_update().get(
            organization_id=reward.organization_id, pk=reward.pk
        )
        changes: dict[str, list[Any]] = {}
        for field, value in fields.items():
            if getattr(locked, field) != value:
                changes[field] = [getattr(locked, field), value]
                setattr(locked, field, value)
        if stock is not _UNSET and locked.stock != stock:
            changes["stock"] = [locked.stock, stock]
            locked.stock = stock
        if image:
            locked.image = image
            changes["image"] = ["", "new"]
        elif remove_image and locked.image:
            locked.image = ""
            changes["image"] = ["old", ""]
        was_active = locked.is_active
        if is_active is not None:
            locked.is_active = is_active
        if changes or was_active != locked.is_active:
            locked.save()
        if changes:
            _audit(
                actor, "reward.edited", locked, {"name": locked.name, "changes": _jsonable(changes)}
            )
        if was_active != locked.is_active:
            action = "reward.activated" if locked.is_active else "reward.deactivated"
            _audit(actor, action, locked, {"name": locked.name})
    return locked


def _jsonable(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    return {
        k: [v if isinstance(v, int | str | None) else str(v) for v in pair]
        for k, pair in changes.items()
    }


def reward_deactivate(*, actor: Membership, reward: Reward) -> Reward:
    """Off the catalogue: nobody can ask for it any more; pending requests stay as they are."""
    return reward_update(actor=actor, reward=reward, is_active=False)


# --- Redemptions --------------------------------------------------------------------------


def _unavailable_error(reward_id: int, organization_id: int) -> ValidationError:
    current = Reward.objects.filter(organization_id=organization_id, pk=reward_id).first()
    if current is None or not current.is_active:
        return ValidationError(
            {"reward": [_("This reward is no longer offered.")]}, code="reward_inactive"
        )
    return ValidationError(
        {"reward": [_("This reward is out of stock. Someone was quicker.")]},
        code="out_of_stock",
    )


def reward_redeem(*, actor: Membership, reward: Reward, request_key: str = "") -> Redemption:
    """The member asks for one unit of ``reward``; its cost in spendable points is held.

    Returns the new redemption, or, when ``request_key`` was used by this member before for
    the same reward, the redemption that key made (a double submit changes nothing).
    Raises ``ValidationError`` (``reward``: inactive or out of stock; ``points``: not
    enough spendable points; ``request_key``: used for another reward).
    """
    return reward_redeem_or_replay(actor=actor, reward=reward, request_key=request_key)[0]


def reward_redeem_or_replay(
    *, actor: Membership, reward: Reward, request_key: str = ""
) -> tuple[Redemption, bool]:
    """``reward_redeem``, and whether it made a new redemption (``False``: a replay)."""
    capability_require(actor, Capability.VIEW_FEED, organization=reward.organization_id)
    request_key = (request_key or "").strip()[:64]
    now = timezone.now()
    try:
        with transaction.atomic():
            # The member's requests one at a time: the key's lookup below is then exact.
            points_balance_lock(actor)
            if request_key:
                earlier = (
                    Redemption.objects.for_org(actor.organization)
                    .filter(membership=actor, request_key=request_key)
                    .first()
                )
                if earlier is not None:
                    if earlier.reward_id != reward.pk:
                        raise ValidationError(
                            {"request_key": [_("This request key was used for another reward.")]}
                        )
                    return earlier, False
            taken = (
                Reward.objects.filter(
                    organization_id=reward.organization_id, pk=reward.pk, is_active=True
                )
                .exclude(stock=0)
                .update(stock=F("stock") - 1)  # NULL (unlimited) stays NULL
            )
            if not taken:
                raise _unavailable_error(reward.pk, reward.organization_id)
            # The row is ours until commit: its cost cannot change under us.
            current = Reward.objects.only("cost", "name", "stock").get(pk=reward.pk)
            redemption = Redemption.objects.create(
                organization_id=actor.organization_id,
                reward_id=reward.pk,
                membership=actor,
                cost=current.cost,
                requested_at=now,
                request_key=request_key,
            )
            points_entry_append(
                membership=actor,
                action=PointsAction.REDEMPTION_HOLD,
                points=0,
                spendable=-current.cost,
                dedupe_key=hold_dedupe_key(redemption.pk),
                occurred_at=now,
                object_type="redemption",
                object_id=str(redemption.pk),
                note=current.name,
            )
            _audit(
                actor,
                "redemption.requested",
                redemption,
                {"reward": current.name, "cost": current.cost, "member": _name(actor)},
            )
            announce(
                redemption_changed,
                organization_id=redemption.organization_id,
                redemption_id=redemption.pk,
                status=redemption.status,
            )
    except IntegrityError:
        # Only the request key's constraint can collide here (the balance lock serialises
        # one member's requests, so this is a belt over the braces).
        earlier = (
            Redemption.objects.for_org(actor.organization)
            .filter(membership=actor, request_key=request_key)
            .first()
        )
        if request_key and earlier is not None and earlier.reward_id == reward.pk:
            return earlier, False
        raise
    except ValidationError as exc:
        if getattr(exc, "code", None) == "insufficient_points":
            raise ValidationError({"points": exc.messages}, code="insufficient_points") from exc
        raise
    redemption.reward = reward
    return redemption, True


def _name(membership: Membership) -> str:
    user = membership.user
    return user.name or user.email


def _move(
    *,
    actor: Membership,
    redemption: Redemption,
    transition: Transition,
    updates: dict[str, Any],
) -> Redemption:
    """The one conditional ``UPDATE`` of a state change; the caller is in a transaction."""
    moved = Redemption.objects.filter(
        organization_id=redemption.organization_id,
        pk=redemption.pk,
        status__in=transition.sources,
    ).update(status=transition.target, **updates)
    if not moved:
        now_status = (
            Redemption.objects.filter(pk=redemption.pk).values_list("status", flat=True).first()
        )
        label = RedemptionStatus(now_status).label if now_status else _("gone")
        raise ValidationError(
            _("This request cannot be changed any more: it is now “%(status)s”.")
            % {"status": label},
            code="stale_status",
        )
    return Redemption.objects.select_related("reward", "membership__user").get(pk=redemption.pk)


def _give_back(redemption: Redemption, *, note: str) -> None:
    """The held points back to the member, and the unit back into stock (when counted)."""
    points_entry_append(
        membership=redemption.membership,
        action=PointsAction.REDEMPTION_RETURN,
        points=0,
        spendable=redemption.cost,
        dedupe_key=return_dedupe_key(redemption.pk),
        object_type="redemption",
        object_id=str(redemption.pk),
        note=note,
    )
    Reward.objects.filter(
        organization_id=redemption.organization_id, pk=redemption.reward_id, stock__isnull=False
    ).update(stock=F("stock") + 1)


def _decision_audit(actor: Membership, redemption: Redemption, transition: Transition) -> None:
    announce(
        redemption_changed,
        organization_id=redemption.organization_id,
        redemption_id=redemption.pk,
        status=redemption.status,
    )
    _audit(
        actor,
        f"redemption.{transition.audit}",
        redemption,
        {
            "reward": redemption.reward.name,
            "cost": redemption.cost,
            "member": _name(redemption.membership),
        },
    )


def redemption_approve(*, actor: Membership, redemption: Redemption, note: str = "") -> Redemption:
    """Requested → approved: the points stay spent, the reward is to be handed over.
    Nobody approves their own request."""
    capability_require(actor, Capability.MANAGE_REWARDS, organization=redemption.organization_id)
    if redemption.membership_id == actor.pk:
        raise ValidationError(_("Another manager decides your own requests."), code="own_request")
    with transaction.atomic():
        done = _move(
            actor=actor,
            redemption=redemption,
            transition=APPROVE,
            updates={
                "decided_by": actor,
                "decided_at": timezone.now(),
                "decision_note": _clean_text(note, NOTE_MAX),
            },
        )
        _decision_audit(actor, done, APPROVE)
    return done


def redemption_reject(*, actor: Membership, redemption: Redemption, reason: str) -> Redemption:
    """Requested (or approved, not yet handed over) → rejected, with the reason the member
    reads; the points and the unit of stock go back."""
    capability_require(actor, Capability.MANAGE_REWARDS, organization=redemption.organization_id)
    reason = _clean_text(reason, NOTE_MAX)
    if not reason:
        raise ValidationError({"reason": [_("Tell your colleague why.")]})
    with transaction.atomic():
        done = _move(
            actor=actor,
            redemption=redemption,
            transition=REJECT,
            updates={"decided_by": actor, "decided_at": timezone.now(), "decision_note": reason},
        )
        _give_back(done, note=done.reward.name)
        _decision_audit(actor, done, REJECT)
    return done


def redemption_fulfil(*, actor: Membership, redemption: Redemption, note: str = "") -> Redemption:
    """Approved → fulfilled: handed over, with a note (a tracking number, a voucher sent)."""
    capability_require(actor, Capability.MANAGE_REWARDS, organization=redemption.organization_id)
    with transaction.atomic():
        done = _move(
            actor=actor,
            redemption=redemption,
            transition=FULFIL,
            updates={
                "fulfilled_at": timezone.now(),
                "fulfilment_note": _clean_text(note, NOTE_MAX),
            },
        )
        _decision_audit(actor, done, FULFIL)
    return done


def redemption_cancel(*, actor: Membership, redemption: Redemption) -> Redemption:
    """The member withdraws their own request while nobody has decided it; points and
    stock go back."""
    capability_require(actor, Capability.VIEW_FEED, organization=redemption.organization_id)
    if redemption.membership_id != actor.pk:
        raise PermissionDenied(_("Only the colleague who asked can withdraw a request."))
    with transaction.atomic():
        done = _move(actor=actor, redemption=redemption, transition=CANCEL, updates={})
        _give_back(done, note=done.reward.name)
        _decision_audit(actor, done, CANCEL)
    return done
