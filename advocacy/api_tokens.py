"""Personal API tokens: create (the raw key is shown once), list, revoke.

A token belongs to a user, not to an organization; the organization of an API call
still comes from its URL and the user's membership there. Only a SHA-256 digest of
the key is stored.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApiToken, User, token_hash

#: Enough for every script a person runs; a bound keeps a leaked session from minting thousands.
MAX_ACTIVE_TOKENS_PER_USER = 20


def api_tokens_of_user(*, user: User) -> QuerySet[ApiToken]:
    """The user's active tokens, newest first."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by(
        "-created_at", "-id"
    )


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``. Returns the row and the raw key, which is never stored."""
    name = (name or "").strip()
    max_length = ApiToken._meta.get_field("name").max_length
    if not name:
        raise ValidationError({"name": [_("Give the token a name.")]})
    if len(name) > max_length:
        raise ValidationError(
            {"name": [_("At most %(n)d characters, please.") % {"n": max_length}]}
        )
    # Lock the user's row so that two concurrent requests cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if api_tokens_of_user(user=user).count() >= MAX_ACTIVE_TOKENS_PER_USER:
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
        user=user,
        name=name,
        prefix=raw[: len("chorus_") + ApiToken.PREFIX_LEN],
        key_hash=token_hash(raw),
    )
    return token, raw


def api_token_revoke(*, user: User, token_id: object) -> ApiToken:
    """Revoke one of ``user``'s active tokens; another user's token looks like a missing one."""
    try:
        token = api_tokens_of_user(user=user).get(pk=token_id)
    except (ApiToken.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token
