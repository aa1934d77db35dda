"""The navigation per role. Apps add entries here as their pages arrive."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .models import Membership
from .permissions import Capability, has_capability


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    capability: Capability | None


NAV: list[NavEntry] = [
    NavEntry(_("Home"), "org_home", None),
    NavEntry(_("Feed"), "content_feed", Capability.VIEW_FEED),
    NavEntry(_("Suggest"), "content_suggest", Capability.SUGGEST_CONTENT),
    NavEntry(_("Library"), "content_library", Capability.MANAGE_CONTENT),
    NavEntry(_("Review queue"), "content_review_queue", Capability.MANAGE_CONTENT),
    NavEntry(_("Sources"), "content_sources", Capability.MANAGE_CONTENT),
    NavEntry(_("Members"), "members_list", Capability.VIEW_MEMBERS),
    NavEntry(_("Invitations"), "invitations_list", Capability.MANAGE_MEMBERS),
    NavEntry(_("Departments"), "departments_list", Capability.MANAGE_DEPARTMENTS),
    NavEntry(_("Audit log"), "audit_log", Capability.VIEW_AUDIT_LOG),
    NavEntry(_("Guidelines"), "guidelines_documents", None),
    NavEntry(_("Caption rules"), "guidelines_rules", Capability.MANAGE_GUIDELINES),
]


def navigation_for(membership: Membership, current_path: str) -> list[dict[str, object]]:
    items = []
    for entry in NAV:
        if entry.capability is not None and not has_capability(membership, entry.capability):
            continue
        try:
            url = reverse(entry.url_name, kwargs={"org_slug": membership.organization.slug})
        except NoReverseMatch:
            continue
        active = current_path == url or (
            url != f"/o/{membership.organization.slug}/" and current_path.startswith(url)
        )
        items.append({"label": entry.label, "url": url, "active": active})
    return items
