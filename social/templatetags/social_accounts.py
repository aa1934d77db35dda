"""``{% networks_attention_banner %}``: the member's connections that need reconnecting soon.

Used on My networks and meant for the organization home page; needs ``request`` and
``organization`` in the context.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone

from social.selectors.accounts import account_health, accounts_needing_attention

register = template.Library()


@register.inclusion_tag("social/accounts/_attention_banner.html", takes_context=True)
def networks_attention_banner(context: Any, link: bool = True) -> dict[str, Any]:
    request = context.get("request")
    organization = context.get("organization")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"attention": []}
    now = timezone.now()
    attention = [
        {"account": a, "health": account_health(a, now=now)}
        for a in accounts_needing_attention(user, now=now)
    ]
    url = None
    if link and organization is not None:
        url = reverse("networks_mine", kwargs={"org_slug": organization.slug})
    return {"attention": attention, "networks_url": url}
