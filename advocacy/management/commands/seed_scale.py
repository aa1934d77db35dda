"""``manage.py seed_scale``: a large synthetic tenant for benchmarks, made with bulk inserts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from advocacy.demo import DEMO_PASSWORD, scale_tenant_seed


class Command(BaseCommand):
    help = (
        "Create or top up a large synthetic organization (bulk inserts, one password hash, "
        "no per-row signals). Re-running only adds what is missing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org-slug", default="scale")
        parser.add_argument("--members", type=int, default=50_000)
        parser.add_argument("--departments", type=int, default=40)
        parser.add_argument("--batch-size", type=int, default=5_000)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["members"] < 0 or opts["departments"] < 1 or opts["batch_size"] < 1:
            raise CommandError("--members must be >= 0, --departments and --batch-size >= 1.")
        progress = (lambda line: self.stdout.write(line)) if opts["verbosity"] > 1 else None
        result = scale_tenant_seed(
            slug=opts["org_slug"],
            members=opts["members"],
            departments=opts["departments"],
            batch_size=opts["batch_size"],
            progress=progress,
        )
        self.stdout.write(
            f"Organization {result.organization.slug!r} on {connection.vendor}: "
            f"{result.created:,} members created, {result.total:,} in total, "
            f"in {result.seconds:.1f} s."
        )
        self.stdout.write(f"Admin login: {result.admin.email} / {DEMO_PASSWORD}")
