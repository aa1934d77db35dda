"""Re-encrypt every stored network token with the newest key of TOKEN_ENCRYPTION_KEYS.

Rotation: put the new key first in TOKEN_ENCRYPTION_KEYS (keep the old ones after it), deploy,
run this command, then drop the old keys. Running it again changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from social.services.tokens import token_keys_rotate


class Command(BaseCommand):
    help = "Re-encrypt every stored network token with the newest TOKEN_ENCRYPTION_KEYS key."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        counts = token_keys_rotate(batch_size=options["batch_size"])
        self.stdout.write(
            "accounts with tokens: {accounts}, re-encrypted: {reencrypted}, "
            "already current: {current}, unreadable: {failed}".format(**counts)
        )
        if counts["failed"]:
            raise CommandError(
                f"{counts['failed']} account(s) could not be decrypted with any configured key; "
                "keep the old key listed until they are reconnected."
            )
