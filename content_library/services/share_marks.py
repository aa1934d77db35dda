"""Who shared which item: one row per (item, member), written by the sharing app when a
share is published. Bookkeeping of a publication that the sharing services already
authorised, so these take the sharing ``membership`` rather than an acting one."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.models import Membership

from ..models import ContentItem, ItemShareMark


@transaction.atomic
def item_share_mark_record(
    *,
    item: ContentItem,
    membership: Membership,
    network: str | None = None,
    at: datetime | None = None,
) -> ItemShareMark:
    """Note that ``membership`` shared ``item`` (call when a share is published).

    Correct by construction: ``share_count`` grows by one exactly when the unique
    (item, member) row is created, in the same transaction; repeated shares only bump
    ``times``.
    """
    if membership.organization_id != item.organization_id:
        raise ValidationError({"item": [_("Choose an item of this organization.")]})
    at = at or timezone.now()
    try:
        with transaction.atomic():
            mark = ItemShareMark.objects.create(
                organization_id=item.organization_id,
                item=item,
                membership=membership,
                first_shared_at=at,
                last_shared_at=at,
                networks=[network] if network else [],
            )
    except IntegrityError:
        mark = ItemShareMark.objects.select_for_update().get(item=item, membership=membership)
        mark.times = F("times") + 1
        mark.last_shared_at = max(at, mark.last_shared_at)
        if network and network not in mark.networks:
            mark.networks = [*mark.networks, network]
        mark.save(update_fields=["times", "last_shared_at", "networks"])
        mark.refresh_from_db()
        return mark
    ContentItem.objects.filter(pk=item.pk).update(share_count=F("share_count") + 1)
    return mark


@transaction.atomic
def item_share_mark_forget(*, item: ContentItem, membership: Membership) -> bool:
    """Undo a member's mark (their only share was deleted); keeps share_count exact."""
    deleted, _rows = ItemShareMark.objects.filter(item=item, membership=membership).delete()
    if deleted:
        ContentItem.objects.filter(pk=item.pk, share_count__gt=0).update(
            share_count=F("share_count") - 1
        )
    return bool(deleted)
