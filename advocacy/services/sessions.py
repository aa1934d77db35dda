"""Ending a person's signed-in sessions from the server.

Every sign-in is recorded (``UserSession``, from Django's ``user_logged_in`` signal) so that it
can be ended later without the browser's help:

- a **password reset** ends every session of the person (whoever knew the old password is
  signed out at once); a password **change** ends every session but the one that made it;
- the **deactivation of a member's last active membership** ends every session of the person
  (they have no organization left). While the person still belongs to another organization
  their sessions stay: a session is per person, not per organization, an admin of one
  organization must not sign a person out of another's work, and the deactivated
  organization is already closed to them on their very next request (every page and API call
  re-reads the active membership, ``advocacy.tenancy``).

Personal API tokens are separate credentials and survive all of this (README, "Sessions and
API tokens"); "Revoke all my tokens" (``api_tokens_revoke_all``) ends them.

Works with the session engines Chorus uses (``db`` and ``cached_db``): a session is deleted
through its engine, so its cache entry goes with its row.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from ..models import User, UserSession
from ..selectors import memberships_of_user


def _store(session_key: str) -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def user_session_record(*, user: User, session_key: str | None) -> None:
    """Remember a new sign-in; forget the person's sessions that have since expired."""
    if not session_key:
        return
    UserSession.objects.update_or_create(session_key=session_key, defaults={"user": user})
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    UserSession.objects.filter(user=user).exclude(session_key__in=live).exclude(
        session_key=session_key
    ).delete()


def user_session_forget(*, session_key: str | None) -> None:
    """A sign-out: the session is gone already."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def user_sessions_revoke(*, user: User, keep: str | None = None) -> int:
    """End every recorded session of ``user`` (but ``keep``); returns how many were ended.

    The sessions are deleted after the surrounding transaction commits, so a rolled-back
    change never signs anybody out.
    """
    rows = UserSession.objects.filter(user=user)
    if keep:
        rows = rows.exclude(session_key=keep)
    keys = list(rows.values_list("session_key", flat=True))
    rows.delete()

    def end() -> None:
        for key in keys:
            _store(key).delete(key)

    transaction.on_commit(end)
    return len(keys)


def user_sessions_revoke_if_no_membership_left(*, user: User) -> int:
    """After a deactivation: sign the person out everywhere when no active membership is left."""
    if memberships_of_user(user=user).exists():
        return 0
    return user_sessions_revoke(user=user)
