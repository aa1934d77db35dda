"""Pages of hashtag tracking: the managers' hashtags page (every campaign's hashtag counts and
the Instagram search budget), one campaign's counts and mentions, and the admins' Instagram
business account connection through Facebook Login for Business.

The login's ``state`` is kept in the session with the organization it was started for; the
callback accepts only that state, once, from the same admin in the same organization.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.forms.service_errors import service_error_messages
from advocacy.permissions import Capability, has_capability
from advocacy.tenancy import OrgPageView, access_by_id
from social.connectors.instagram_hashtags import InstagramHashtagClient
from social.models import OrganizationAccount, OrganizationAccountKind

from ..forms.hashtags import MentionsPageForm
from ..models import Campaign
from ..selectors.hashtags import (
    campaign_hashtag_counts,
    campaign_mentions,
    campaigns_hashtag_summaries,
    campaigns_with_hashtags,
    search_budget,
)
from ..services.hashtags import instagram_business_connect, instagram_business_disconnect

SESSION_KEY = "campaigns_instagram_oauth"


def _callback_url(request: HttpRequest) -> str:
    """The one redirect URI registered with Meta (it must match exactly), for every
    organization: ``instagram_oauth_return`` forwards to the organization's callback."""
    return request.build_absolute_uri(reverse("instagram_oauth_return"))


def instagram_oauth_return(request: HttpRequest) -> HttpResponse:
    """Facebook's redirect lands here (outside ``/o/``); the login started in one
    organization, whose slug the session keeps, and its callback page checks everything."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    started = request.session.get(SESSION_KEY) or {}
    slug = started.get("org_slug")
    if not isinstance(slug, str) or not slug:
        messages.error(
            request, _("This Instagram connection was not started here. Please start again.")
        )
        return redirect("home")
    query = request.GET.urlencode()
    return redirect(reverse("org_instagram_callback", args=[slug]) + (f"?{query}" if query else ""))


class HashtagsMentionsView(OrgPageView):
    """Every campaign with hashtags: counts through Chorus, Instagram mentions, the budget."""

    capability = Capability.MANAGE_CAMPAIGNS
    template_name = "campaigns/hashtags/mentions.html"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        now = timezone.now()
        campaigns = campaigns_with_hashtags(organization=self.organization)
        summaries = campaigns_hashtag_summaries(
            organization=self.organization, campaigns=campaigns, now=now
        )
        rows = [{"campaign": c, "counts": summaries[c.pk]} for c in campaigns]
        context = self.get_context_data(
            rows=rows,
            budget=search_budget(organization=self.organization, now=now),
            can_connect=has_capability(self.membership, Capability.MANAGE_NETWORKS),
        )
        return render(request, self.template_name, context)


class HashtagCampaignView(OrgPageView):
    """One campaign: its hashtag counts by network and day, and the Instagram posts found."""

    capability = Capability.MANAGE_CAMPAIGNS
    template_name = "campaigns/hashtags/campaign.html"

    def load_objects(self) -> None:
        self.campaign = access_by_id(
            Campaign, organization=self.organization, pk=self.kwargs["campaign_id"]
        )

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = MentionsPageForm(request.GET)
        if not form.is_valid():
            context = self.get_context_data(campaign=self.campaign, form=form)
            return render(request, self.template_name, context, status=400)
        before = form.cleaned_data.get("before")
        mentions = campaign_mentions(
            organization=self.organization, campaign=self.campaign, before_id=before
        )
        context = self.get_context_data(
            campaign=self.campaign,
            form=form,
            hashtag_context=hashtag_panel_context(
                organization=self.organization, campaign=self.campaign, mentions=mentions
            ),
            next_before=mentions[-1].pk if len(mentions) == 20 else None,
        )
        return render(request, self.template_name, context)


def hashtag_panel_context(
    *, organization: Any, campaign: Campaign, mentions: list[Any] | None = None
) -> dict[str, Any]:
    """What ``campaigns/hashtags/_campaign_panel.html`` needs (the campaign pages include it)."""
    counts = campaign_hashtag_counts(organization=organization, campaign=campaign)
    if mentions is None:
        mentions = campaign_mentions(organization=organization, campaign=campaign, limit=10)
    return {"campaign": campaign, "counts": counts, "mentions": mentions}


class InstagramConnectView(OrgPageView):
    """GET: what connecting does; POST: off to Facebook Login for Business."""

    capability = Capability.MANAGE_NETWORKS
    template_name = "campaigns/hashtags/connect.html"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return render(request, self.template_name, self.get_context_data())

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        state = secrets.token_urlsafe(24)
        request.session[SESSION_KEY] = {
            "state": state,
            "organization_id": self.organization.pk,
            "org_slug": self.organization.slug,
            "user_id": request.user.pk,
        }
        url = InstagramHashtagClient.authorize_url(redirect_uri=_callback_url(request), state=state)
        return redirect(url)


class InstagramCallbackView(OrgPageView):
    """Facebook sends the admin back here with ``code`` and ``state`` (or an error)."""

    capability = Capability.MANAGE_NETWORKS
    http_method_names = ["get"]

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        here = redirect("hashtags_mentions", org_slug=self.organization.slug)
        started = request.session.pop(SESSION_KEY, None) or {}
        state = request.GET.get("state") or ""
        if (
            not state
            or not secrets.compare_digest(str(started.get("state") or ""), state)
            or started.get("organization_id") != self.organization.pk
            or started.get("user_id") != request.user.pk
        ):
            messages.error(
                request, _("This Instagram connection was not started here. Please start again.")
            )
            return here
        if request.GET.get("error") or not request.GET.get("code"):
            messages.info(request, _("Connecting Instagram was cancelled. Nothing was changed."))
            return here
        try:
            accounts = instagram_business_connect(
                actor=self.membership,
                code=request.GET["code"],
                redirect_uri=_callback_url(request),
            )
        except ValidationError as exc:
            for message in service_error_messages(exc):
                messages.error(request, message)
            return here
        names = ", ".join(a.display_name or a.external_id for a in accounts)
        messages.success(
            request, _("Instagram business account connected: %(names)s.") % {"names": names}
        )
        return here


class InstagramDisconnectView(OrgPageView):
    """POST: wipe the account's tokens (the mentions found stay)."""

    capability = Capability.MANAGE_NETWORKS
    http_method_names = ["post"]

    def load_objects(self) -> None:
        self.account = access_by_id(
            OrganizationAccount,
            organization=self.organization,
            pk=self.kwargs["instagram_account_id"],
            queryset=OrganizationAccount.objects.filter(
                kind=OrganizationAccountKind.INSTAGRAM_BUSINESS
            ),
        )

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        instagram_business_disconnect(actor=self.membership, account=self.account)
        messages.success(
            request,
            _("%(account)s is disconnected. Its token is deleted; the posts found stay.")
            % {"account": self.account.display_name or self.account.external_id},
        )
        return redirect("hashtags_mentions", org_slug=self.organization.slug)
