"""A readable terminal for ``make run``: periodic sweeps do not log every 15 seconds, and
an e-mail is printed once, briefly (who, what, the text with its links) instead of as a
raw MIME message.

Both are wired in settings: ``PeriodicChatterFilter`` on Celery's task loggers (the worker's
"received"/"succeeded" lines and beat's "sending due task" lines) and ``BriefConsoleBackend``
as the e-mail backend whenever outgoing mail goes to the console (``EMAIL_URL=consolemail://``,
the embedded default).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

mail_logger = logging.getLogger("chorus.mail")

BODY_MAX_LINES = 25


def periodic_task_names() -> frozenset[str]:
    """The tasks Celery beat runs on a schedule (settings.CELERY_BEAT_SCHEDULE)."""
    schedule = getattr(settings, "CELERY_BEAT_SCHEDULE", {}) or {}
    return frozenset(entry["task"] for entry in schedule.values() if "task" in entry)


def _task_name(record: logging.LogRecord) -> str:
    args = record.args
    if isinstance(args, dict):  # the worker: {"name": ..., "id": ...}
        return str(args.get("name", ""))
    if isinstance(args, tuple) and len(args) >= 2:  # beat: (entry name, task name)
        return str(args[1])
    return ""


class PeriodicChatterFilter(logging.Filter):
    """Drops the INFO bookkeeping lines (received, succeeded, sending due task) of the
    periodic sweeps, which would otherwise fill the terminal every few seconds. Warnings and
    errors always pass, as do the lines of every other task; ``LOG_LEVEL=DEBUG`` shows all."""

    def __init__(self, name: str = "") -> None:
        super().__init__(name)
        self._names: frozenset[str] | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO or logging.getLogger().isEnabledFor(logging.DEBUG):
            return True
        if self._names is None:
            self._names = periodic_task_names()
        return _task_name(record) not in self._names


def _address_list(addresses: Sequence[str]) -> str:
    return ", ".join(addresses)


def brief(message: EmailMessage) -> str:
    """One e-mail as a few readable lines: recipients, subject and the plain-text body."""
    body = message.body if isinstance(message.body, str) else str(message.body)
    lines = body.strip().splitlines()
    if len(lines) > BODY_MAX_LINES:
        lines = [*lines[:BODY_MAX_LINES], f"[… {len(lines) - BODY_MAX_LINES} more lines]"]
    head = f"E-mail to {_address_list(message.to)}: {message.subject}"
    if message.cc:
        head += f" (cc {_address_list(message.cc)})"
    attachments = len(getattr(message, "attachments", []) or [])
    if attachments:
        head += f" [{attachments} attachment{'s' if attachments != 1 else ''}]"
    indented = "\n".join(f"    {line}" if line else "" for line in lines)
    return f"{head}\n{indented}" if indented else head


class BriefConsoleBackend(BaseEmailBackend):
    """Prints each e-mail once, as one log record of ``chorus.mail`` (so the web process and
    the Celery worker show it the same way), instead of Django's raw MIME dump."""

    _lock = threading.Lock()

    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently)

    def send_messages(self, email_messages: Iterable[EmailMessage]) -> int:
        sent = 0
        with self._lock:
            for message in email_messages:
                if not message.recipients():
                    continue
                mail_logger.info("%s", brief(message))
                sent += 1
        return sent
