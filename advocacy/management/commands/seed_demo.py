"""``manage.py seed_demo``: two demo organizations with members of every role, then every
app's ``<app>/demo.py`` ``seed()``. Idempotent; prints the logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from advocacy.demo import DEMO_PASSWORD, Login, demo_app_seeders, demo_seed


def logins_table(logins: list[Login], password: str) -> str:
    """The logins as an aligned plain-text table."""
    header = ("Organization", "Role", "E-mail", "Password", "URL")
    rows = [(x.organization, x.role, x.email, password, x.url) for x in logins]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]
    head = "  ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)).rstrip()
    return "\n".join([head, "  ".join("-" * w for w in widths), *lines])


class Command(BaseCommand):
    help = "Create (or complete) the demo organizations and print their logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Do not print the logins.")
        parser.add_argument(
            "--site-url",
            default=None,
            help="Base URL shown in the logins table (default: SITE_URL).",
        )
        parser.add_argument(
            "--core-only",
            action="store_true",
            help="Only organizations, departments, members and invitations; skip the apps' demo data.",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        site_url = opts["site_url"] or settings.SITE_URL
        result = demo_seed(site_url=site_url, with_apps=not opts["core_only"])
        if opts["quiet"]:
            return
        seeders = [] if opts["core_only"] else demo_app_seeders()
        apps = ", ".join(label for label, _ in seeders) or "none"
        self.stdout.write(
            f"Demo data ready ({result.created} core rows created; app demo data: {apps})."
        )
        self.stdout.write(f"Sign in at {site_url.rstrip('/')}/accounts/login/ with:\n")
        self.stdout.write(logins_table(result.logins, DEMO_PASSWORD))
        self.stdout.write(f"\nEvery demo user's password is {DEMO_PASSWORD!r}.")
