"""The core's receivers of Django's and allauth's signals (connected in ``AdvocacyConfig``).

Receivers only translate a signal into one service call (``advocacy.services.sessions``).
"""

from __future__ import annotations

from typing import Any

from .services.sessions import (
    user_session_forget,
    user_session_record,
    user_sessions_revoke,
    user_sessions_revoke_if_no_membership_left,
)


def _session_key(request: Any) -> str | None:
    session = getattr(request, "session", None)
    return getattr(session, "session_key", None)


def on_user_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    user_session_record(user=user, session_key=_session_key(request))


def on_user_logged_out(sender: Any, request: Any, user: Any = None, **kwargs: Any) -> None:
    user_session_forget(session_key=_session_key(request))


def on_password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """allauth's ``password_reset``: whoever knew the old password is signed out everywhere."""
    user_sessions_revoke(user=user)


def on_password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """allauth's ``password_changed``: the other sessions end; the one that changed it stays
    (under the new key Django gave it)."""
    key = _session_key(request)
    user_session_record(user=user, session_key=key)
    user_sessions_revoke(user=user, keep=key)


def on_member_deactivated(sender: Any, membership: Any, **kwargs: Any) -> None:
    user_sessions_revoke_if_no_membership_left(user=membership.user)
