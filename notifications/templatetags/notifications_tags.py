"""``{% notification_bell %}``: the bell with my unread count, in the top bar of every
organization page. The count is cached (``selectors.unread_count``): no query on most pages,
one indexed count otherwise."""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors import UNREAD_CAP, unread_count

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context: Any) -> dict[str, Any]:
    membership = context.get("current_membership")
    if membership is None:
        return {"org_slug": None}
    return {
        "org_slug": membership.organization.slug,
        "unread": unread_count(membership=membership),
        "cap": UNREAD_CAP,
    }
