"""``manage.py points_backfill <org_slug>``: score every fact already in an organization's
data that has no ledger entry yet (idempotent; after a lost signal, or for old data)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from advocacy.models import Organization
from campaigns.services.points import points_backfill


class Command(BaseCommand):
    help = "Score the facts of an organization that have no points entry yet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("org_slug")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["org_slug"]).first()
        if organization is None:
            raise CommandError(f"No organization {options['org_slug']!r}.")
        added = points_backfill(organization=organization)
        self.stdout.write(f"{added} entries added.")
