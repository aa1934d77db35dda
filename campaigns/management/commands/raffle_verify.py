"""``manage.py raffle_verify <id or public id>``: check a raffle's draw from its published values.

It reads the raffle's public proof (exactly what ``/raffles/<public_id>/proof.json`` answers:
commitment, entry list and its hash, public value, seed, winners) and recomputes with
``campaigns.raffle_draw``, the algorithm the draw used. Nothing else in the database is
consulted, so a tampered seed, list or winner is caught. Exits 0 when everything agrees,
1 with a sentence per disagreement otherwise.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from campaigns.models import Raffle
from campaigns.raffle_draw import verify_proof
from campaigns.selectors.raffles import raffle_proof


class Command(BaseCommand):
    help = "Recompute a drawn raffle from its published values and say whether they agree."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("raffle", help="The raffle's id or its public id (a UUID).")

    def handle(self, *args: Any, **options: Any) -> None:
        key = str(options["raffle"]).strip()
        # An operator's command: the raffle is named by id, whichever organization owns it.
        qs = Raffle.objects.select_related("organization")
        try:
            raffle = qs.get(public_id=uuid.UUID(key)) if not key.isdigit() else qs.get(pk=key)
        except (Raffle.DoesNotExist, ValueError) as exc:
            raise CommandError(f"No raffle {key}.") from exc
        proof = raffle_proof(raffle)
        self.stdout.write(f"Raffle {raffle.pk} ({raffle.public_id}): {raffle.title}")
        problems = verify_proof(proof)
        if problems:
            raise CommandError(" ".join(problems))
        winners = ", ".join(proof["winners"]) or "no winner"
        self.stdout.write(
            self.style.SUCCESS(
                f"OK: the seed matches the commitment, the {len(proof['entries'] or [])} "
                f"entries match their hash, and the draw gives the published winners "
                f"({winners})."
            )
        )
