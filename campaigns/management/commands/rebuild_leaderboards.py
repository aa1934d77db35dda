"""``manage.py rebuild_leaderboards [--org slug]``: rebuild the Redis leaderboards from the
points ledger (every current board: everyone, each department and location, each calendar
period, each live or ended campaign). The order is the live board's: the same scores and the
same tie rule (``campaigns/selectors/boards.py``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from advocacy.models import Organization
from campaigns.selectors.boards import boards_redis
from campaigns.services.boards import boards_rebuild_organization


class Command(BaseCommand):
    help = "Rebuild the leaderboards in Redis from the points ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="Only this organization (its slug).")

    def handle(self, *args: Any, **options: Any) -> None:
        if boards_redis() is None:
            self.stdout.write(
                "No Redis for leaderboards (REDIS_URL unset or unreachable): boards are read "
                "from the database; nothing to rebuild."
            )
            return
        organizations = Organization.objects.filter(is_active=True).order_by("pk")
        if options.get("org"):
            organizations = organizations.filter(slug=options["org"])
            if not organizations.exists():
                raise CommandError(f"No active organization with the slug {options['org']!r}.")
        for organization in organizations:
            built = boards_rebuild_organization(organization)
            self.stdout.write(f"{organization.slug}: {built} boards rebuilt")
