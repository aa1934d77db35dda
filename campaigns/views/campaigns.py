"""Pages of campaigns under ``/o/<org_slug>/campaigns/``: the list, the form, the
employee's campaign page, the manager's results page, and launch / end / archive."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advocacy.forms.service_errors import form_add_service_errors, service_error_messages
from advocacy.permissions import Capability
from advocacy.tenancy import OrgPageView, read_write_capabilities
from guidelines.markdown import render_markdown

from ..forms.campaigns import CampaignForm, StatusFilterForm
from ..models import Campaign, CampaignStatus, GoalMetric
from ..selectors import campaigns as sel
from ..selectors.boards import campaign_board_for
from ..selectors.raffles import campaign_raffle_standings
from ..services import campaigns as services
from .hashtags import hashtag_panel_context

#: What each figure on the campaign pages counts (shown in an openable definition).
DEFINITIONS: dict[str, Any] = {
    GoalMetric.SHARES: gettext_lazy(
        "Posts published on a network from this campaign's content while it was live."
    ),
    GoalMetric.CLICKS: gettext_lazy(
        "Clicks by people on the tracked links of the campaign's shares; clicks by bots and "
        "link previews are never counted."
    ),
    GoalMetric.IMPRESSIONS: gettext_lazy(
        "How often the campaign's posts were shown, as the networks last reported it. Some "
        "networks report nothing: those posts are counted as unknown, not as zero."
    ),
    GoalMetric.MEMBERS_REACHED: gettext_lazy(
        "How many people saw each post (unique viewers), added up over the campaign's posts, "
        "as the networks last reported it; posts without a figure are unknown."
    ),
    GoalMetric.ENGAGEMENT: gettext_lazy(
        "Reactions, comments, reshares and saves on the campaign's posts, as the networks "
        "last reported them; posts without any figure are unknown."
    ),
    GoalMetric.PARTICIPANTS: gettext_lazy(
        "Colleagues with at least one published share of the campaign's content."
    ),
    "progress": gettext_lazy(
        "The goal's figure so far divided by the target. It counts shares made while the "
        "campaign is live."
    ),
    "unknown": gettext_lazy(
        "Published shares for which the network has reported no figure yet (or never "
        "reports one): they are left out of the total rather than counted as zero."
    ),
    "trend": gettext_lazy(
        "The goal's figure added up day by day in the organization's time zone, from the "
        "campaign's start to today (posts keep earning after the end): shares on "
        "the day they were published, clicks on the day they happened, participants on the "
        "day of their first share, impressions, reach and engagement on the day their post "
        "was published."
    ),
}


class CampaignListView(OrgPageView):
    """Members: their live and upcoming campaigns. Managers: every campaign by status."""

    capability = Capability.VIEW_FEED

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        can_manage = self.can(Capability.MANAGE_CAMPAIGNS)
        form = StatusFilterForm(request.GET or None)
        status = ""
        valid = True
        if can_manage and request.GET:
            valid = form.is_valid()
            status = form.cleaned_data.get("status", "") if valid else ""
        campaigns = sel.campaign_list(membership=self.membership, status=status)
        progress = sel.campaign_progress_many(campaigns=campaigns)
        rows = [
            {
                "campaign": c,
                "progress": progress[c.pk],
                "definition": DEFINITIONS[c.goal_metric],
            }
            for c in campaigns
        ]
        ctx = self.get_context_data(
            rows=rows,
            can_manage=can_manage,
            filter_form=form if can_manage else None,
            definitions=DEFINITIONS,
        )
        return render(request, "campaigns/campaigns/list.html", ctx, status=200 if valid else 400)


class CampaignCreateView(OrgPageView):
    capability = Capability.MANAGE_CAMPAIGNS

    def _render(self, request: HttpRequest, form: CampaignForm, status: int = 200) -> HttpResponse:
        ctx = self.get_context_data(form=form, campaign=None)
        return render(request, "campaigns/campaigns/form.html", ctx, status=status)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        now = timezone.localtime(timezone.now(), sel.organization_zone(self.organization))
        form = CampaignForm(
            organization=self.organization,
            initial={
                "goal_metric": GoalMetric.SHARES,
                "goal_target": 100,
                "points_multiplier": 1,
                "starts_at": now.replace(tzinfo=None, second=0, microsecond=0),
                "ends_at": (now + timedelta(days=14)).replace(tzinfo=None, second=0, microsecond=0),
            },
        )
        return self._render(request, form)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = CampaignForm(request.POST, request.FILES, organization=self.organization)
        if form.is_valid():
            try:
                campaign = services.campaign_create(actor=self.membership, **form.service_kwargs())
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("Campaign saved as a draft; launch it when ready."))
                return HttpResponseRedirect(
                    reverse("campaign_results", args=[self.organization.slug, campaign.pk])
                )
        return self._render(request, form, status=400)


class CampaignEditView(OrgPageView):
    capability = Capability.MANAGE_CAMPAIGNS
    model = Campaign
    pk_url_kwarg = "campaign_id"

    def load_objects(self) -> None:
        self.campaign = self.get_object()

    def _render(self, request: HttpRequest, form: CampaignForm, status: int = 200) -> HttpResponse:
        ctx = self.get_context_data(form=form, campaign=self.campaign)
        return render(request, "campaigns/campaigns/form.html", ctx, status=status)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(
            request, CampaignForm(organization=self.organization, campaign=self.campaign)
        )

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = CampaignForm(
            request.POST, request.FILES, organization=self.organization, campaign=self.campaign
        )
        if form.is_valid():
            data = form.service_kwargs()
            if data["cover_image"] is None:
                data.pop("cover_image")
            try:
                services.campaign_update(
                    actor=self.membership,
                    campaign=self.campaign,
                    remove_cover=bool(form.cleaned_data.get("remove_cover")),
                    **data,
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("Campaign saved."))
                return HttpResponseRedirect(
                    reverse("campaign_results", args=[self.organization.slug, self.campaign.pk])
                )
        return self._render(request, form, status=400)


class CampaignDetailView(OrgPageView):
    """The employee's campaign page: the brief, the content with one-click share, progress
    to the goal, the member's own contribution and the prize."""

    capability = Capability.VIEW_FEED
    model = Campaign
    pk_url_kwarg = "campaign_id"

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        return sel.campaigns_for_member(membership=self.membership)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        campaign = self.get_object()
        items = sel.campaign_items(campaign=campaign, membership=self.membership)
        compose_links = {
            item.pk: reverse("share_compose", args=[self.organization.slug, item.pk])
            for item in items
        }
        ctx = self.get_context_data(
            campaign=campaign,
            # Sanitised by render_markdown (nh3), as policies are.
            brief=mark_safe(render_markdown(campaign.description, organization=self.organization)),  # noqa: S308
            items=[{"item": i, "compose_url": compose_links[i.pk]} for i in items],
            progress=sel.campaign_progress(campaign=campaign),
            goal_definition=DEFINITIONS[campaign.goal_metric],
            mine=sel.member_contribution(campaign=campaign, membership=self.membership),
            can_manage=self.can(Capability.MANAGE_CAMPAIGNS),
            definitions=DEFINITIONS,
            zone=sel.organization_zone(self.organization),
            # The other features' panels: the campaign board, its raffles, its hashtag.
            campaign_board=campaign_board_for(campaign, self.membership),
            raffle_standings=campaign_raffle_standings(
                campaign=campaign, membership=self.membership
            ),
            hashtag_context=hashtag_panel_context(
                organization=self.organization, campaign=campaign
            ),
        )
        return render(request, "campaigns/campaigns/detail.html", ctx)


class CampaignResultsView(OrgPageView):
    """The manager's campaign page: live results by department and network, participants,
    top posts and the goal's trend; launch, end and archive."""

    capability = Capability.MANAGE_CAMPAIGNS
    model = Campaign
    pk_url_kwarg = "campaign_id"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        campaign = self.get_object()
        figures = sel.campaign_figures(campaign=campaign)
        ctx = self.get_context_data(
            campaign=campaign,
            figures=figures,
            progress=sel.campaign_progress(campaign=campaign, figures=figures),
            goal_definition=DEFINITIONS[campaign.goal_metric],
            by_department=sel.campaign_results_by_department(campaign=campaign),
            by_network=sel.campaign_results_by_network(campaign=campaign),
            participants=sel.campaign_participants(campaign=campaign),
            top_posts=sel.campaign_top_posts(campaign=campaign),
            trend=sel.campaign_trend(campaign=campaign),
            items=sel.campaign_items(campaign=campaign, membership=self.membership),
            definitions=DEFINITIONS,
            metrics=GoalMetric,
            zone=sel.organization_zone(self.organization),
            statuses=CampaignStatus,
            hashtag_context=hashtag_panel_context(
                organization=self.organization, campaign=campaign
            ),
        )
        return render(request, "campaigns/campaigns/results.html", ctx)


class CampaignStatusView(OrgPageView):
    """POST: launch, end early or archive; back to the results page with what happened."""

    capability = read_write_capabilities(Capability.MANAGE_CAMPAIGNS, Capability.MANAGE_CAMPAIGNS)
    model = Campaign
    pk_url_kwarg = "campaign_id"
    action = "launch"
    http_method_names = ["post"]

    def load_objects(self) -> None:
        self.campaign = self.get_object()

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        service, done = {
            "launch": (services.campaign_launch, _("Campaign launched.")),
            "end": (services.campaign_end, _("Campaign ended.")),
            "archive": (services.campaign_archive, _("Campaign archived.")),
        }[self.action]
        try:
            service(actor=self.membership, campaign=self.campaign)
        except ValidationError as exc:
            for message in service_error_messages(exc):
                messages.error(request, message)
        else:
            messages.success(request, done)
        return HttpResponseRedirect(
            reverse("campaign_results", args=[self.organization.slug, self.campaign.pk])
        )
