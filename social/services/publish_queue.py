"""Publishing's settings (with their defaults) and its task queue: the attempts cap and
backoff, the reconciliation window and its pauses, and sending a publishing task once the
transaction commits. Shared by ``publishing``, ``outcomes`` and ``reconcile``."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ..models import Share

# ---- configuration (settings, with defaults) -----------------------------------------------


def max_attempts() -> int:
    return int(getattr(settings, "SOCIAL_PUBLISH_MAX_ATTEMPTS", 6))


def backoff_base_seconds() -> float:
    return float(getattr(settings, "SOCIAL_PUBLISH_BACKOFF_SECONDS", 30))


def backoff_max_seconds() -> float:
    return float(getattr(settings, "SOCIAL_PUBLISH_BACKOFF_MAX_SECONDS", 3600))


# ---- crash recovery: every threshold derives from the publishing tasks' limits ---------------
#
# A publishing task runs at most SOCIAL_PUBLISH_TIME_LIMIT seconds (hard limit); each network call
# in it at most SOCIAL_HTTP_TIMEOUT. Redis delivers a message again once it has been
# unacknowledged for CELERY_BROKER_VISIBILITY_TIMEOUT (the hard limit plus the margin, see
# settings). The sweep (every SOCIAL_PUBLISH_SWEEP_SECONDS) only steps in once those have passed.


def publish_time_limit() -> float:
    return float(settings.SOCIAL_PUBLISH_TIME_LIMIT)


def recovery_margin_seconds() -> float:
    return float(settings.SOCIAL_PUBLISH_RECOVERY_MARGIN_SECONDS)


def visibility_timeout_seconds() -> float:
    return float(settings.CELERY_BROKER_VISIBILITY_TIMEOUT)


def stale_after() -> timedelta:
    """A share ``publishing`` for longer than its task may live was abandoned by a dead worker:
    the hard time limit, plus a network call that may still be finishing, plus the margin."""
    return timedelta(
        seconds=publish_time_limit()
        + float(settings.SOCIAL_HTTP_TIMEOUT)
        + recovery_margin_seconds()
    )


def stale_queued_after() -> timedelta:
    """A due share left untouched this long has lost its message: Redis would have delivered
    it again by now (the visibility timeout, plus the margin)."""
    return timedelta(seconds=visibility_timeout_seconds() + recovery_margin_seconds())


def recovery_bound() -> timedelta:
    """The longest a crash delays a share before the sweep takes it over (documented in README):
    the later threshold plus one sweep interval."""
    interval = float(settings.SOCIAL_PUBLISH_SWEEP_SECONDS)
    return max(stale_after(), stale_queued_after()) + timedelta(seconds=interval)


def reconcile_delay_seconds() -> float:
    return float(getattr(settings, "SOCIAL_RECONCILE_DELAY_SECONDS", 20))


def reconcile_window() -> timedelta:
    """How long after a create call went out Chorus looks for its post before sending again."""
    return timedelta(seconds=float(getattr(settings, "SOCIAL_RECONCILE_WINDOW_SECONDS", 180)))


def reconcile_max_checks() -> int:
    return int(getattr(settings, "SOCIAL_RECONCILE_MAX_CHECKS", 8))


def reconcile_next_delay(checks: int) -> float:
    """The pause after the ``checks``-th check: the first delay, doubled each time, capped."""
    return min(reconcile_delay_seconds() * (2 ** max(checks, 0)), backoff_max_seconds())


def poll_delay_seconds() -> float:
    return float(getattr(settings, "SOCIAL_INSTAGRAM_POLL_SECONDS", 10))


def backoff_seconds(attempt: int) -> float:
    """Exponential backoff with +-25 % jitter: base, 2 x base, 4 x base, ... capped."""
    delay = min(backoff_base_seconds() * (2 ** max(attempt - 1, 0)), backoff_max_seconds())
    return delay * random.uniform(0.75, 1.25)


def enqueue(task_name: str, share_id: int, *, countdown: float = 0) -> None:
    """Send a publishing task once the surrounding transaction commits."""

    def send() -> None:
        from ..tasks import publishing as tasks_publishing

        task = getattr(tasks_publishing, task_name)
        if countdown > 0:
            task.apply_async((share_id,), countdown=countdown)
        else:
            task.delay(share_id)

    transaction.on_commit(send)


def enqueue_at(task_name: str, share_id: int, when: datetime) -> None:
    enqueue(task_name, share_id, countdown=max(0.0, (when - timezone.now()).total_seconds()))


def lock_share(share_id: int) -> Share | None:
    """The share, locked for this transaction, with what publishing reads (its tracked link
    too, so that building the post content needs no look-up of its own)."""
    return _one(
        Share.objects.select_for_update(of=("self",))
        .select_related("organization", "account", "item", "membership__user", "link")
        .filter(pk=share_id)
    )


def _one(shares: QuerySet[Share]) -> Share | None:
    """The share of a primary-key filter (``first()`` would add an ORDER BY for nothing)."""
    found = list(shares)
    return found[0] if found else None


#: What ``relock_share`` carries over from phase one (the rows a publishing step only reads).
CARRIED_RELATIONS = ("organization", "account", "item", "membership")


def relock_share(held: Share) -> Share | None:
    """Phase two of a publishing step: ``held``'s row locked again, freshly read (its own columns
    only, no joins: state, attempt id and everything a concurrent sweep or reconciliation may
    have changed meanwhile). The related rows phase one loaded (organization, account, item,
    membership and its user) are carried over while the share still points at them, instead
    of being read again."""
    share = _one(Share.objects.select_for_update(of=("self",)).filter(pk=held.pk))
    if share is None:
        return None
    for name in CARRIED_RELATIONS:
        field = Share._meta.get_field(name)
        if (
            field.is_cached(held)  # type: ignore[union-attr]
            and getattr(held, field.attname) is not None  # type: ignore[union-attr]
            and getattr(held, field.attname) == getattr(share, field.attname)  # type: ignore[union-attr]
        ):
            setattr(share, name, getattr(held, name))
    return share


def send_now(task_name: str, share_id: int) -> None:
    """Send a publishing task now (the sweep's re-sends, after commit)."""
    from ..tasks import publishing as tasks_publishing

    getattr(tasks_publishing, task_name).delay(share_id)
