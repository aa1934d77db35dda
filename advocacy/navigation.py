"""The navigation per role. Apps add entries here as their pages arrive."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .models import Membership
from .permissions import Capability, has_capability

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class NavEntry:
    label: StrOrPromise
    url_name: str
    capability: Capability | None
    #: Entries with a group are shown together under one disclosure menu, so an admin's
    #: bar stays one row; the employee's everyday pages stay at the top level.
    group: str = ""


#: Menu labels, in display order.
GROUPS: dict[str, StrOrPromise] = {
    "recognition": _("Recognition"),
    "content": _("Content"),
    "program": _("Program"),
    "people": _("People"),
    "settings": _("Settings"),
}


NAV: list[NavEntry] = [
    NavEntry(_("Home"), "org_home", None),
    NavEntry(_("Feed"), "content_feed", Capability.VIEW_FEED),
    NavEntry(_("Campaigns"), "campaigns_list", Capability.VIEW_FEED),
    NavEntry(_("My shares"), "shares_mine", Capability.SHARE_CONTENT),
    NavEntry(_("My networks"), "networks_mine", None),
    NavEntry(_("Suggest"), "content_suggest", Capability.SUGGEST_CONTENT),
    NavEntry(_("Leaderboards"), "boards", Capability.VIEW_FEED, "recognition"),
    NavEntry(_("Rewards"), "rewards_catalogue", Capability.VIEW_FEED, "recognition"),
    NavEntry(_("My points"), "points_mine", Capability.VIEW_OWN_STATS, "recognition"),
    NavEntry(_("Library"), "content_library", Capability.MANAGE_CONTENT, "content"),
    NavEntry(_("Review queue"), "content_review_queue", Capability.MANAGE_CONTENT, "content"),
    NavEntry(_("Sources"), "content_sources", Capability.MANAGE_CONTENT, "content"),
    NavEntry(_("Points rules"), "points_rules", Capability.MANAGE_CAMPAIGNS, "program"),
    NavEntry(_("Redemptions"), "rewards_redemptions", Capability.MANAGE_REWARDS, "program"),
    NavEntry(_("Raffles"), "raffles_list", Capability.MANAGE_CAMPAIGNS, "program"),
    NavEntry(_("Amplify"), "amplify_candidates", Capability.MANAGE_CAMPAIGNS, "program"),
    NavEntry(_("Hashtags"), "hashtags_mentions", Capability.MANAGE_CAMPAIGNS, "program"),
    NavEntry(_("Members"), "members_list", Capability.VIEW_MEMBERS, "people"),
    NavEntry(_("Invitations"), "invitations_list", Capability.MANAGE_MEMBERS, "people"),
    NavEntry(_("Departments"), "departments_list", Capability.MANAGE_DEPARTMENTS, "people"),
    NavEntry(_("Company pages"), "company_pages", Capability.MANAGE_NETWORKS, "settings"),
    NavEntry(_("Network health"), "networks_health", Capability.MANAGE_NETWORKS, "settings"),
    NavEntry(_("Audit log"), "audit_log", Capability.VIEW_AUDIT_LOG, "settings"),
    NavEntry(
        _("Notification defaults"),
        "notifications_org_settings",
        Capability.MANAGE_ORGANIZATION,
        "settings",
    ),
    NavEntry(
        _("Slack and Teams"), "notifications_channels", Capability.MANAGE_ORGANIZATION, "settings"
    ),
    NavEntry(_("Guidelines"), "guidelines_documents", None),
    NavEntry(_("Caption rules"), "guidelines_rules", Capability.MANAGE_GUIDELINES, "settings"),
]


def navigation_for(membership: Membership, current_path: str) -> list[dict[str, object]]:
    """Top-level entries, then one menu per group (``{"label", "children", "active"}``)."""
    slug = membership.organization.slug
    top: list[dict[str, object]] = []
    grouped: dict[str, list[dict[str, object]]] = {}
    for entry in NAV:
        if entry.capability is not None and not has_capability(membership, entry.capability):
            continue
        try:
            url = reverse(entry.url_name, kwargs={"org_slug": slug})
        except NoReverseMatch:
            continue
        active = current_path == url or (url != f"/o/{slug}/" and current_path.startswith(url))
        item: dict[str, object] = {"label": entry.label, "url": url, "active": active}
        (grouped.setdefault(entry.group, []) if entry.group else top).append(item)
    for key, label in GROUPS.items():
        children = grouped.get(key)
        if children:
            top.append(
                {"label": label, "children": children, "active": any(c["active"] for c in children)}
            )
    return top
