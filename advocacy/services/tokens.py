"""Personal API tokens: create (the raw key is shown once) and revoke.

A token belongs to a person, not to an organization (the organization of an API call
still comes from its URL and the caller's membership there), so these are the services
whose actor is the ``User``: the one capability is owning the token, and another
user's token looks like a missing one. Only a SHA-256 digest of the key is stored.
"""

from __future__ import annotations

from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ApiToken, User, token_hash
from ..selectors import api_tokens_of_user

#: Enough for every script a person runs; a bound keeps a leaked session from minting thousands.
MAX_ACTIVE_TOKENS_PER_USER = 20


@transaction.atomic
def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``actor``. Returns the row and the raw key, which is never stored."""
    name = (name or "").strip()
    max_length = cast(int, ApiToken._meta.get_field("name").max_length)  # a CharField's
    if not name:
        raise ValidationError({"name": [_("Give the token a name.")]})
    if len(name) > max_length:
        raise ValidationError(
            {"name": [_("At most %(n)d characters, please.") % {"n": max_length}]}
        )
    # Lock the user's row so that two concurrent requests cannot both pass the limit.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    if api_tokens_of_user(user=actor).count() >= MAX_ACTIVE_TOKENS_PER_USER:
        raise ValidationError(
            {
                "name": [
                    _("You already have %(n)d active tokens. Revoke one you no longer use first.")
                    % {"n": MAX_ACTIVE_TOKENS_PER_USER}
                ]
            }
        )
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        prefix=raw[: len("chorus_") + ApiToken.PREFIX_LEN],
        key_hash=token_hash(raw),
    )
    return token, raw


def api_token_revoke(*, actor: User, token_id: int | str) -> ApiToken:
    """Revoke one of ``actor``'s active tokens; another user's token looks like a missing one."""
    try:
        token = api_tokens_of_user(user=actor).get(pk=token_id)
    except (ApiToken.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


@transaction.atomic
def api_tokens_revoke_all(*, actor: User) -> int:
    """Revoke every active token of ``actor`` at once (a leak, or a compromised account);
    returns how many. Tokens otherwise survive a password reset (README)."""
    return api_tokens_of_user(user=actor).update(revoked_at=timezone.now())
