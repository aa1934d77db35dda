"""Pages of points: "My points" (totals, history, board anonymity), the managers' rules page
(current values, a form for new ones, the history of changes) and the managers' ledger."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advocacy.forms.service_errors import form_add_service_errors
from advocacy.keyset import keyset_links, keyset_page
from advocacy.permissions import Capability
from advocacy.tenancy import OrgPageView

from ..forms.points import AnonymityForm, LedgerFilterForm, PointsRuleForm
from ..models import PointsAction, PointsEntry
from ..selectors import points as sel
from ..services import points as services

PAGE_SIZE = 50

#: The reasons scoring writes into a reversal's note, as the member reads them.
NOTE_LABELS = {
    "share cancelled": gettext_lazy("The share was cancelled."),
    "share deleted": gettext_lazy("The share was deleted."),
    "post deleted": gettext_lazy("The post is no longer on the network."),
}


def _object_url(entry: PointsEntry, org_slug: str, *, mine: bool) -> str:
    """Where the entry's object can be opened, or ""."""
    try:
        if entry.object_type == "share" and entry.share_id:
            return reverse(
                "share_detail", kwargs={"org_slug": org_slug, "share_id": entry.share_id}
            )
        if entry.object_type == "policy_document" and entry.object_id.isdigit():
            return reverse(
                "guidelines_document",
                kwargs={"org_slug": org_slug, "document_id": int(entry.object_id)},
            )
    except NoReverseMatch:
        return ""
    return ""


def _object_label(entry: PointsEntry) -> str:
    if entry.object_type == "share":
        return _("Share #%(id)s") % {"id": entry.object_id}
    if entry.object_type == "suggestion":
        return _("Suggestion #%(id)s") % {"id": entry.object_id}
    if entry.object_type == "policy_document":
        return _("Policy #%(id)s") % {"id": entry.object_id}
    if entry.object_type == "invitation":
        return _("Invitation #%(id)s") % {"id": entry.object_id}
    if entry.object_type == "week":
        return _("Week %(week)s") % {"week": entry.object_id}
    return ""


def _rows(entries: list[PointsEntry], org_slug: str, *, mine: bool) -> list[dict[str, Any]]:
    reversed_ids = sel.points_reversed_ids(entries)
    labels = dict(PointsAction.choices)
    return [
        {
            "entry": e,
            "action_label": labels.get(e.action, e.action),
            "object_url": _object_url(e, org_slug, mine=mine),
            "object_label": _object_label(e),
            "is_reversed": e.pk in reversed_ids,
            "reverses": e.reverses,
            "reverses_label": labels.get(e.reverses.action, "") if e.reverses else "",
            "note": NOTE_LABELS.get(e.note, e.note),
        }
        for e in entries
    ]


class PointsMineView(OrgPageView):
    """The member's own points: totals with their definitions, this week and month, the
    history, and the choice to appear anonymously on leaderboards."""

    capability = Capability.VIEW_OWN_STATS
    template_name = "campaigns/points/mine.html"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        summary = sel.points_summary(membership=self.membership)
        page = keyset_page(
            sel.points_entries(organization=self.organization, membership_id=self.membership.pk),
            order=("-occurred_at", "-id"),
            cursor=request.GET.get("cursor"),
            size=PAGE_SIZE,
            on_invalid="first",
        )
        context = self.get_context_data(
            summary=summary,
            rows=_rows(page.items, self.organization.slug, mine=True),
            page=page,
            anonymity_form=AnonymityForm(
                initial={"anonymous_on_boards": summary.anonymous_on_boards}
            ),
            rules=sel.points_rules_current(organization=self.organization),
            **keyset_links(request, page),
        )
        return render(request, self.template_name, context)


class PointsAnonymityView(OrgPageView):
    """POST: the member's "appear anonymously on leaderboards" choice."""

    capability = Capability.VIEW_OWN_STATS
    http_method_names = ["post"]

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = AnonymityForm(request.POST)
        form.is_valid()  # a checkbox: absent is False, never an error
        anonymous = bool(form.cleaned_data.get("anonymous_on_boards"))
        services.points_anonymity_set(actor=self.membership, anonymous=anonymous)
        messages.success(
            request,
            _("You appear anonymously on leaderboards.")
            if anonymous
            else _("You appear with your name on leaderboards."),
        )
        return redirect("points_mine", org_slug=self.organization.slug)


class PointsRulesView(OrgPageView):
    """Managers: the points in force per action, a form for new values (in force from the
    moment they are saved; past points never change) and every change made."""

    capability = Capability.MANAGE_CAMPAIGNS
    template_name = "campaigns/points/rules.html"

    def _render(self, form: PointsRuleForm, status: int = 200) -> HttpResponse:
        page = keyset_page(
            sel.points_rules_history(organization=self.organization),
            order=("-effective_from", "-id"),
            cursor=self.request.GET.get("cursor"),
            size=PAGE_SIZE,
            on_invalid="first",
        )
        labels = dict(PointsAction.choices)
        context = self.get_context_data(
            form=form,
            rules=sel.points_rules_current(organization=self.organization),
            history=[{"rule": r, "action_label": labels.get(r.action, r.action)} for r in page],
            page=page,
            **keyset_links(self.request, page),
        )
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        action = request.GET.get("action", "")
        initial: dict[str, Any] = {}
        for row in sel.points_rules_current(organization=self.organization):
            if row["action"] == action:
                initial = {
                    "action": action,
                    "points": row["points"],
                    "daily_cap": row["daily_cap"],
                    "per_share_cap": row["per_share_cap"],
                }
        return self._render(PointsRuleForm(initial=initial))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = PointsRuleForm(request.POST)
        if form.is_valid():
            try:
                services.points_rule_save(actor=self.membership, **form.cleaned_data)
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The new points apply from now on; points already earned do not change."),
                )
                return redirect("points_rules", org_slug=self.organization.slug)
        return self._render(form, status=400)


class PointsLedgerView(OrgPageView):
    """Managers: every ledger entry of the organization, filtered by member, action and
    campaign, newest first in keyset pages."""

    capability = Capability.MANAGE_CAMPAIGNS
    template_name = "campaigns/points/ledger.html"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = LedgerFilterForm(request.GET or None, organization=self.organization)
        valid = form.is_valid() if form.is_bound else True
        data = form.cleaned_data if form.is_bound and valid else {}
        page = keyset_page(
            sel.points_entries(
                organization=self.organization,
                membership_id=data.get("member"),
                action=data.get("action") or "",
                campaign_id=data.get("campaign"),
            ),
            order=("-occurred_at", "-id"),
            cursor=request.GET.get("cursor"),
            size=PAGE_SIZE,
            on_invalid="first",
        )
        context = self.get_context_data(
            form=form,
            rows=_rows(page.items, self.organization.slug, mine=False),
            page=page,
            filtered=bool(data and any(data.values())),
            **keyset_links(request, page),
        )
        return render(request, self.template_name, context, status=200 if valid else 400)
