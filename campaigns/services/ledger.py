"""The one write path into the points ledger.

Every ledger entry goes through ``points_entry_append``: it appends the entry and moves the
member's ``PointsBalance`` in the same transaction, under a lock on the balance row, so the
balance is always the sum of the entries and spendable points never go below zero. It is
idempotent by ``dedupe_key`` (unique per organization): a retried task or a second worker
recording the same fact gets ``None`` back and changes nothing.

It checks no capability: the services that call it (scoring, redemptions) have decided the
entry is due. After commit it sends ``campaigns.signals.points_recorded`` so that
leaderboards (and later notifications and analytics) follow without being imported here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.models import Membership

from ..models import PointsBalance, PointsEntry, PointsRule
from ..signals import points_recorded


class InsufficientPoints(ValidationError):
    """Spending more spendable points than the member has."""


def points_balance_lock(membership: Membership) -> PointsBalance:
    """The member's balance row, created when missing, locked until the transaction ends."""
    PointsBalance.objects.get_or_create(
        organization_id=membership.organization_id, membership=membership
    )
    return PointsBalance.objects.select_for_update().get(
        organization_id=membership.organization_id, membership=membership
    )


def _send_recorded(organization_id: int, entries: list[PointsEntry]) -> None:
    points_recorded.send(sender=PointsEntry, organization_id=organization_id, entries=entries)


def points_entry_append(
    *,
    membership: Membership,
    action: str,
    points: int,
    dedupe_key: str,
    spendable: int | None = None,
    occurred_at: datetime | None = None,
    share_id: int | None = None,
    campaign_id: int | None = None,
    rule: PointsRule | None = None,
    reverses: PointsEntry | None = None,
    object_type: str = "",
    object_id: str = "",
    note: str = "",
    quantity: int = 0,
    clamp_spendable: bool = False,
) -> PointsEntry | None:
    """Append one entry and move the balance; ``None`` when ``dedupe_key`` was recorded before.

    ``points`` moves lifetime points; ``spendable`` (default: the same as ``points``) moves
    spendable points. A negative ``spendable`` beyond the balance raises
    ``InsufficientPoints``, unless ``clamp_spendable`` (reversals of earned points already
    spent), in which case the entry takes only what is left and records what it took.
    """
    spendable = points if spendable is None else spendable
    now = timezone.now()
    with transaction.atomic():
        balance = points_balance_lock(membership)
        if balance.spendable + spendable < 0:
            if not clamp_spendable:
                raise InsufficientPoints(
                    _("You have %(have)s points to spend; this needs %(need)s.")
                    % {"have": balance.spendable, "need": -spendable},
                    code="insufficient_points",
                )
            spendable = -balance.spendable
        try:
            with transaction.atomic():
                entry = PointsEntry.objects.create(
                    organization_id=membership.organization_id,
                    membership=membership,
                    action=action,
                    points=points,
                    spendable=spendable,
                    dedupe_key=dedupe_key[:120],
                    occurred_at=occurred_at or now,
                    created_at=now,
                    share_id=share_id,
                    campaign_id=campaign_id,
                    rule=rule,
                    reverses=reverses,
                    object_type=object_type,
                    object_id=str(object_id),
                    quantity=quantity,
                    note=note[:300],
                )
        except IntegrityError:
            if PointsEntry.objects.filter(
                organization_id=membership.organization_id, dedupe_key=dedupe_key[:120]
            ).exists():
                return None
            raise
        balance.lifetime += points
        balance.spendable += spendable
        balance.updated_at = now
        balance.save(update_fields=["lifetime", "spendable", "updated_at"])
        organization_id = membership.organization_id
        transaction.on_commit(lambda: _send_recorded(organization_id, [entry]))
    return entry


# --- Many earnings at once ------------------------------------------------------------------


@dataclass
class PointsDraft:
    """One earning entry to append with ``points_entries_append`` (points move both totals)."""

    membership_id: int
    action: str
    points: int
    dedupe_key: str
    occurred_at: datetime
    share_id: int | None = None
    campaign_id: int | None = None
    rule: PointsRule | None = None
    object_type: str = ""
    object_id: str = ""
    quantity: int = 0
    note: str = ""


def points_balances_lock(*, organization_id: int, membership_ids: Iterable[int]) -> None:
    """Lock the balance rows of these members (created when missing) until the transaction
    ends, in id order so that two batches over the same members cannot deadlock."""
    ids = sorted(set(membership_ids))
    if not ids:
        return
    PointsBalance.objects.bulk_create(
        [PointsBalance(organization_id=organization_id, membership_id=pk) for pk in ids],
        ignore_conflicts=True,
    )
    list(
        PointsBalance.objects.select_for_update()
        .filter(organization_id=organization_id, membership_id__in=ids)
        .order_by("membership_id")
        .values_list("pk", flat=True)
    )


def points_entries_append(
    *, organization_id: int, drafts: Sequence[PointsDraft]
) -> list[PointsEntry]:
    """Append many earning entries at once with the guarantees of ``points_entry_append``.

    Under the members' balance locks: drafts whose ``dedupe_key`` is already in the ledger
    (or repeated in ``drafts``) are dropped, the rest go in with one ``INSERT`` and each
    member's balance moves by one ``UPDATE``; ``points_recorded`` is sent once on commit with
    the new entries. A dedupe key names a fact of one member, so two workers recording the
    same fact wait on the same balance lock and the second finds the key. Earnings only:
    ``points`` may not be negative (spending and reversals take ``points_entry_append``).
    """
    if any(d.points < 0 for d in drafts):
        raise ValueError("points_entries_append records earnings only")
    if not drafts:
        return []
    now = timezone.now()
    with transaction.atomic():
        points_balances_lock(
            organization_id=organization_id, membership_ids=[d.membership_id for d in drafts]
        )
        keys = {d.dedupe_key[:120] for d in drafts}
        seen = set(
            PointsEntry.objects.filter(
                organization_id=organization_id, dedupe_key__in=keys
            ).values_list("dedupe_key", flat=True)
        )
        rows: list[PointsEntry] = []
        for d in drafts:
            key = d.dedupe_key[:120]
            if key in seen:
                continue
            seen.add(key)
            rows.append(
                PointsEntry(
                    organization_id=organization_id,
                    membership_id=d.membership_id,
                    action=d.action,
                    points=d.points,
                    spendable=d.points,
                    dedupe_key=key,
                    occurred_at=d.occurred_at,
                    created_at=now,
                    share_id=d.share_id,
                    campaign_id=d.campaign_id,
                    rule=d.rule,
                    object_type=d.object_type,
                    object_id=str(d.object_id),
                    quantity=d.quantity,
                    note=d.note[:300],
                )
            )
        if not rows:
            return []
        entries = PointsEntry.objects.bulk_create(rows, batch_size=2000)
        moved: dict[int, int] = defaultdict(int)
        for entry in entries:
            moved[entry.membership_id] += entry.points
        update_from_values(
            PointsBalance,
            key="membership_id",
            values=moved,
            assign="lifetime = {t}.lifetime + {v}, spendable = {t}.spendable + {v}, "
            "updated_at = %s",
            assign_params=[now],
            where="{t}.organization_id = %s",
            where_params=[organization_id],
        )
        transaction.on_commit(lambda: _send_recorded(organization_id, entries))
    return entries


def update_from_values(
    model: type[Model],
    *,
    key: str,
    values: dict[int, int],
    assign: str,
    assign_params: Sequence[Any] = (),
    where: str = "",
    where_params: Sequence[Any] = (),
) -> None:
    """One ``UPDATE`` giving each row (``key`` = a key of ``values``) its own number.

    ``assign`` is the SET list, with ``{t}`` for the table and ``{v}`` for the row's number;
    ``where`` narrows the rows further. Django's ``Case(When(...))`` does the same but spends
    about a millisecond per row compiling it (seconds for a batch of clicks); this is one
    statement joined to a ``VALUES`` list (PostgreSQL) or a correlated look-up (SQLite).
    """
    if not values:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    field = model._meta.get_field(key)
    column = connection.ops.quote_name(str(getattr(field, "column", key)))
    pairs = sorted(values.items())
    params: list[Any] = [x for pair in pairs for x in pair]
    # Identifiers come from the model's metadata and every value is a parameter.
    if connection.vendor == "postgresql":
        rows = ", ".join(["(%s::bigint, %s::bigint)"] + ["(%s, %s)"] * (len(pairs) - 1))
        setting = assign.format(t=table, v="v.n")
        sql = f"UPDATE {table} SET {setting} FROM (VALUES {rows}) AS v(k, n) WHERE {table}.{column} = v.k"  # noqa: S608
        sql_params = [*assign_params, *params]
    else:
        rows = ", ".join(["(%s, %s)"] * len(pairs))
        setting = assign.format(t=table, v=f"(SELECT n FROM v WHERE v.k = {table}.{column})")  # noqa: S608
        sql = f"WITH v(k, n) AS (VALUES {rows}) UPDATE {table} SET {setting} WHERE {table}.{column} IN (SELECT k FROM v)"  # noqa: S608
        sql_params = [*params, *assign_params]
    if where:
        sql += f" AND {where.format(t=table)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*sql_params, *where_params])
