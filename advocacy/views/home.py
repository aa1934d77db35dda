"""The landing redirect, the organization home (what each role finds there) and the
favicon."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy

from ..models import Membership, Role
from ..permissions import Capability, capabilities_for, has_capability
from ..request_types import AuthenticatedHttpRequest
from ..selectors import memberships_of_user
from ..tenancy import OrgPageView

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Send a signed-in user to their organization; let them pick when they have several."""
    memberships = list(memberships_of_user(user=request.user))
    if len(memberships) == 1:
        return redirect("org_home", org_slug=memberships[0].organization.slug)
    return render(request, "advocacy/choose_organization.html", {"memberships": memberships})


class OrgHomeView(OrgPageView):
    template_name = "advocacy/org_home.html"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return render(
            request, self.template_name, self.get_context_data(**home_context(self.membership))
        )


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; send them to the static icon."""
    from django.templatetags.static import static

    return redirect(static("img/favicon.svg"), permanent=True)


@dataclass(frozen=True)
class Shortcut:
    label: StrOrPromise
    description: StrOrPromise
    url_name: str
    capability: Capability


SHORTCUTS: list[Shortcut] = [
    Shortcut(
        gettext_lazy("Campaigns"),
        gettext_lazy("Give the program a goal, a hashtag and dates, and follow the results."),
        "campaigns_list",
        Capability.MANAGE_CAMPAIGNS,
    ),
    Shortcut(
        gettext_lazy("Reward requests"),
        gettext_lazy("Approve, reject and hand over the rewards members asked for."),
        "rewards_redemptions",
        Capability.MANAGE_REWARDS,
    ),
    Shortcut(
        gettext_lazy("Leaderboards"),
        gettext_lazy("Who earned the most, by person and by team, in any period."),
        "boards",
        Capability.VIEW_ANALYTICS,
    ),
    Shortcut(
        gettext_lazy("Members"),
        gettext_lazy("See who is in the program, change roles and departments."),
        "members_list",
        Capability.VIEW_MEMBERS,
    ),
    Shortcut(
        gettext_lazy("Invite people"),
        gettext_lazy("Send invitations by e-mail and follow the pending ones."),
        "members_invite",
        Capability.MANAGE_MEMBERS,
    ),
    Shortcut(
        gettext_lazy("Departments"),
        gettext_lazy("Group people so content and results can be targeted by team."),
        "departments_list",
        Capability.MANAGE_DEPARTMENTS,
    ),
    Shortcut(
        gettext_lazy("Audit log"),
        gettext_lazy("Every administrative change: who did what, and when."),
        "audit_log",
        Capability.VIEW_AUDIT_LOG,
    ),
]


def home_shortcuts(membership: Membership) -> list[dict[str, Any]]:
    """The administrative pages this member's role opens, for pages that already exist."""
    items = []
    for shortcut in SHORTCUTS:
        if not has_capability(membership, shortcut.capability):
            continue
        try:
            url = reverse(shortcut.url_name, kwargs={"org_slug": membership.organization.slug})
        except NoReverseMatch:
            continue
        items.append({"label": shortcut.label, "description": shortcut.description, "url": url})
    return items


def home_context(membership: Membership) -> dict[str, Any]:
    """What the organization home shows: for employees their points, ranks, live campaigns
    and what is new to share; for those who run the program the live campaigns' progress and
    shortcuts to the pages they use."""
    from campaigns.selectors.home import home_live_campaigns, home_recognition
    from campaigns.views.campaigns import DEFINITIONS

    runs_program = bool(capabilities_for(membership.role) - capabilities_for(Role.EMPLOYEE))
    context: dict[str, Any] = {
        "shortcuts": home_shortcuts(membership),
        "is_employee_home": not runs_program,
        "definitions": DEFINITIONS,
    }
    if runs_program:
        rows = context["live_campaigns"] = home_live_campaigns(membership)
    else:
        recognition = context["recognition"] = home_recognition(membership)
        rows = recognition.campaigns
    for row in rows:
        row["definition"] = DEFINITIONS[row["campaign"].goal_metric]
    return context
