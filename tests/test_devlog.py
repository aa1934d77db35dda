"""A readable ``make run`` terminal (advocacy/devlog.py): the periodic sweeps' bookkeeping
lines are filtered out of Celery's loggers, and a console e-mail is printed once, briefly."""

from __future__ import annotations

import logging

import pytest
from django.core.mail import EmailMessage, get_connection, send_mail

from advocacy.devlog import BriefConsoleBackend, PeriodicChatterFilter, brief

from .test_settings import PRODUCTION, probe_settings


def _record(logger: str, level: int, msg: str, args) -> logging.LogRecord:
    return logging.getLogger(logger).makeRecord(logger, level, __file__, 1, msg, args, None)


@pytest.fixture
def info_root():
    root = logging.getLogger()
    previous = root.level
    root.setLevel(logging.INFO)
    yield
    root.setLevel(previous)


def test_periodic_sweeps_lose_their_info_lines_other_tasks_keep_theirs(info_root, settings):
    chatter = PeriodicChatterFilter()
    periodic = settings.CELERY_BEAT_SCHEDULE["social-clicks-drain"]["task"]
    received = "Task %(name)s[%(id)s] received"
    assert not chatter.filter(
        _record("celery.worker.strategy", logging.INFO, received, ({"name": periodic, "id": "1"},))
    )
    assert not chatter.filter(
        _record(
            "celery.beat",
            logging.INFO,
            "Scheduler: Sending due task %s (%s)",
            ("social-clicks-drain", periodic),
        )
    )
    # A task a person started (publishing a share) is still logged, and so is any failure.
    assert chatter.filter(
        _record(
            "celery.app.trace",
            logging.INFO,
            "Task %(name)s[%(id)s] succeeded",
            ({"name": "social.tasks.publish_share", "id": "2"},),
        )
    )
    assert chatter.filter(
        _record("celery.app.trace", logging.ERROR, "Task %(name)s failed", ({"name": periodic},))
    )


def test_log_level_debug_shows_the_periodic_lines_too(settings):
    root = logging.getLogger()
    previous = root.level
    root.setLevel(logging.DEBUG)
    try:
        periodic = settings.CELERY_BEAT_SCHEDULE["social-clicks-drain"]["task"]
        record = _record("celery.app.trace", logging.INFO, "x %(name)s", ({"name": periodic},))
        assert PeriodicChatterFilter().filter(record)
    finally:
        root.setLevel(previous)


def test_the_celery_loggers_carry_the_filter():
    for name in ("celery.app.trace", "celery.worker.strategy", "celery.beat"):
        assert any(isinstance(f, PeriodicChatterFilter) for f in logging.getLogger(name).filters)


def test_a_console_email_is_one_short_record(caplog):
    body = "Hello Ona,\n\nAccept: http://127.0.0.1:8000/invite/abc/\n" + "\n".join(
        f"line {n}" for n in range(40)
    )
    with caplog.at_level(logging.INFO, logger="chorus.mail"):
        sent = send_mail(
            "You are invited",
            body,
            "Chorus <no-reply@chorus.local>",
            ["ona@example.com"],
            connection=get_connection("advocacy.devlog.BriefConsoleBackend"),
        )
    assert sent == 1
    records = [r for r in caplog.records if r.name == "chorus.mail"]
    assert len(records) == 1
    text = records[0].getMessage()
    assert text.startswith("E-mail to ona@example.com: You are invited\n")
    assert "    Accept: http://127.0.0.1:8000/invite/abc/" in text
    assert "Content-Transfer-Encoding" not in text and "MIME-Version" not in text
    assert text.endswith("more lines]")


def test_brief_lists_copies_and_attachments():
    message = EmailMessage("Report", "See attached.", to=["a@example.com"], cc=["b@example.com"])
    message.attach("report.csv", "a,b\n", "text/csv")
    assert brief(message).splitlines()[0] == (
        "E-mail to a@example.com: Report (cc b@example.com) [1 attachment]"
    )
    assert BriefConsoleBackend().send_messages([EmailMessage("No one", "x", to=[])]) == 0


def test_console_mail_is_the_brief_backend_on_embedded_defaults(tmp_path):
    s = probe_settings(tmp_path, **PRODUCTION)
    assert s["email_backend"] == "advocacy.devlog.BriefConsoleBackend"
