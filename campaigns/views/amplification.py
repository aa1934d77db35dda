"""Pages of company-page amplification.

* **Company pages** (``company_pages``, admins: ``MANAGE_NETWORKS``): the organization's LinkedIn
  and Facebook pages, connect / reconnect / disconnect, and a spot for the Instagram business
  account (its connect button, ``org_instagram_connect``, comes from the hashtag feature and is
  shown when that URL exists).
* Connecting runs the network's OAuth: ``CompanyPageConnectView`` stashes the state with
  allauth's state kit (one-use, ten minutes, in the session) and redirects to the network;
  ``company_page_callback`` (one URL outside the organization, ``/company-pages/callback/``,
  so one redirect URI is registered with each network) checks the state, the member and their
  role again, exchanges the code, and connects the page, or, when the admin runs several
  pages, keeps them (tokens encrypted) in the session for ``CompanyPageChooseView``.
* **Amplify** (``amplify_candidates``, managers: ``MANAGE_CAMPAIGNS``): the employees' best
  posts, filters, and the re-share form; the latest amplifications with their states.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from allauth.socialaccount.internal import statekit
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from advocacy.forms.service_errors import form_add_service_errors
from advocacy.localization import activate_organization_locale
from advocacy.permissions import Capability, has_capability
from advocacy.request_types import AuthenticatedHttpRequest
from advocacy.tenancy import OrgPageView, resolve_membership
from social import crypto
from social.connectors.base import ConnectorError
from social.connectors.company_pages import Page, company_pages_for
from social.models import OrganizationAccount, OrganizationAccountKind

from ..forms.amplification import AmplifyForm, CandidateFilterForm, CompanyPagePickForm
from ..models import Amplification
from ..selectors import amplification as sel
from ..services.amplification import (
    PAGE_KINDS,
    amplification_create,
    amplification_retry,
    company_page_connect,
    company_page_disconnect,
    company_pages_fetch,
)

STATE_PROVIDER = "chorus_company_page"
CHOICE_SESSION_KEY = "chorus_company_page_choice"
RECENT_AMPLIFICATIONS = 20


def _instagram_connect_url(slug: str) -> str:
    """The Instagram business account's connect URL (hashtag feature), if it exists."""
    try:
        return reverse("org_instagram_connect", kwargs={"org_slug": slug})
    except NoReverseMatch:
        return ""


class CompanyPagesView(OrgPageView):
    capability = Capability.MANAGE_NETWORKS
    template_name = "campaigns/amplification/company_pages.html"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        pages = list(sel.company_pages(organization=self.organization))
        kinds = [
            {
                "kind": kind,
                "label": OrganizationAccountKind(kind).label,
                "pages": [p for p in pages if p.kind == kind],
            }
            for kind in PAGE_KINDS
        ]
        context = self.get_context_data(
            kinds=kinds,
            instagram_connect_url=_instagram_connect_url(self.organization.slug),
            instagram_accounts=list(
                OrganizationAccount.objects.for_org(self.organization).filter(
                    kind=OrganizationAccountKind.INSTAGRAM_BUSINESS
                )
            ),
        )
        return render(request, self.template_name, context)


class CompanyPageConnectView(OrgPageView):
    """POST ``kind``: start the network's OAuth for the organization's page."""

    capability = Capability.MANAGE_NETWORKS
    http_method_names = ["post"]

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        kind = request.POST.get("kind", "")
        if kind not in PAGE_KINDS:
            messages.error(request, _("This kind of page cannot be connected here."))
            return redirect("company_pages", org_slug=self.organization.slug)
        redirect_uri = request.build_absolute_uri(reverse("company_page_callback"))
        state_id = statekit.stash_state(
            request,
            provider_id=STATE_PROVIDER,
            state={
                "org": self.organization.slug,
                "membership": self.membership.pk,
                "kind": kind,
                "redirect_uri": redirect_uri,
            },
        )
        connector = company_pages_for(PAGE_KINDS[kind])
        return HttpResponseRedirect(
            connector.authorize_url(state=state_id, redirect_uri=redirect_uri)
        )


def _pages_url(slug: str) -> str:
    return reverse("company_pages", kwargs={"org_slug": slug})


@require_GET
def company_page_callback(request: HttpRequest) -> HttpResponse:
    """Where LinkedIn and Facebook send the admin back (one URL for every organization)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    state = statekit.unstash_state(
        request, state_id=request.GET.get("state", ""), provider_id=STATE_PROVIDER
    )
    if state is None:
        messages.error(
            request, _("That connection attempt expired or was not started here. Try again.")
        )
        return redirect("home")
    membership = resolve_membership(request.user, state["org"])
    if membership.pk != state.get("membership"):
        raise Http404
    activate_organization_locale(membership.organization)
    if not has_capability(membership, Capability.MANAGE_NETWORKS):
        raise PermissionDenied(_("Your role does not allow this."))
    kind = state["kind"]
    back = _pages_url(membership.organization.slug)
    label = OrganizationAccountKind(kind).label
    if request.GET.get("error") or not request.GET.get("code"):
        if request.GET.get("error") in ("user_cancelled_authorize", "access_denied"):
            messages.info(request, _("You cancelled connecting the page. Nothing was changed."))
        else:
            messages.error(request, _("%(page)s could not be connected.") % {"page": label})
        return HttpResponseRedirect(back)
    try:
        pages, tokens = company_pages_fetch(
            kind=kind, code=request.GET["code"], redirect_uri=state["redirect_uri"]
        )
    except ConnectorError as exc:
        messages.error(
            request,
            _("%(page)s could not be connected: %(message)s")
            % {"page": label, "message": exc.message},
        )
        return HttpResponseRedirect(back)
    if not pages:
        messages.warning(
            request,
            _(
                "You do not administer any page Chorus can post to with this account. Sign in "
                "as an administrator of the company page and try again."
            ),
        )
        return HttpResponseRedirect(back)
    scopes = list(getattr(tokens, "scopes", ()) or ())
    expires_at = getattr(tokens, "expires_at", None)
    if len(pages) == 1:
        account = company_page_connect(
            actor=membership, kind=kind, page=pages[0], scopes=scopes, expires_at=expires_at
        )
        messages.success(request, _("%(page)s is connected.") % {"page": account.display_name})
        return HttpResponseRedirect(back)
    request.session[CHOICE_SESSION_KEY] = {
        "org": membership.organization.slug,
        "membership": membership.pk,
        "kind": kind,
        "scopes": scopes,
        "expires_at": expires_at.isoformat() if expires_at else None,
        "pages": [
            {
                "id": p.external_id,
                "name": p.display_name,
                "url": p.profile_url,
                "token": crypto.encrypt(p.access_token),
            }
            for p in pages
        ],
    }
    return redirect("company_page_choose", org_slug=membership.organization.slug)


class CompanyPageChooseView(OrgPageView):
    """The admin runs several pages: pick the organization's."""

    capability = Capability.MANAGE_NETWORKS
    template_name = "campaigns/amplification/company_page_choose.html"

    def load_objects(self) -> None:
        pending = self.request.session.get(CHOICE_SESSION_KEY) or {}
        if pending.get("org") != self.organization.slug or pending.get("membership") != getattr(
            self.membership, "pk", None
        ):
            pending = {}
        self.pending: dict[str, Any] = pending

    def _form(self, data: Any = None) -> CompanyPagePickForm:
        return CompanyPagePickForm(
            data, choices=[(p["id"], p["name"]) for p in self.pending.get("pages", [])]
        )

    def _render(self, form: CompanyPagePickForm, status: int = 200) -> HttpResponse:
        kind = self.pending.get("kind")
        context = self.get_context_data(
            form=form, kind_label=OrganizationAccountKind(kind).label if kind else ""
        )
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if not self.pending:
            messages.info(request, _("Nothing is waiting to be connected."))
            return redirect("company_pages", org_slug=self.organization.slug)
        return self._render(self._form())

    def post(self, request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
        if not self.pending:
            return redirect("company_pages", org_slug=self.organization.slug)
        form = self._form(request.POST)
        if not form.is_valid():
            return self._render(form, status=400)
        chosen = next(p for p in self.pending["pages"] if p["id"] == form.cleaned_data["page"])
        expires = self.pending.get("expires_at")
        try:
            account = company_page_connect(
                actor=self.membership,
                kind=self.pending["kind"],
                page=Page(
                    external_id=chosen["id"],
                    display_name=chosen["name"],
                    profile_url=chosen["url"],
                    access_token=crypto.decrypt(chosen["token"]),
                ),
                scopes=self.pending.get("scopes") or [],
                expires_at=datetime.fromisoformat(expires) if expires else None,
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
            return self._render(form, status=400)
        request.session.pop(CHOICE_SESSION_KEY, None)
        messages.success(request, _("%(page)s is connected.") % {"page": account.display_name})
        return redirect("company_pages", org_slug=self.organization.slug)


class CompanyPageDisconnectView(OrgPageView):
    capability = Capability.MANAGE_NETWORKS
    model = OrganizationAccount
    pk_url_kwarg = "company_page_id"
    http_method_names = ["post"]

    def safely_get_queryset(self, queryset: Any) -> Any:
        return queryset.filter(kind__in=list(PAGE_KINDS))

    def load_objects(self) -> None:
        self.page = self.get_object()

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        account = company_page_disconnect(actor=self.membership, account=self.page)
        messages.success(
            request,
            _("%(page)s is disconnected. Its token is deleted; its re-shares keep their history.")
            % {"page": account.display_name},
        )
        return redirect("company_pages", org_slug=self.organization.slug)


class AmplifyCandidatesView(OrgPageView):
    """The employees' best posts and the form to re-share one from a company page."""

    capability = Capability.MANAGE_CAMPAIGNS
    template_name = "campaigns/amplification/candidates.html"

    def _render(self, amplify_form: AmplifyForm | None = None, status: int = 200) -> HttpResponse:
        request = self.request
        filter_form = CandidateFilterForm(request.GET or None, organization=self.organization)
        filters = filter_form.filters()
        pages = sel.usable_company_pages(organization=self.organization)
        ranking_label, ranking_definition = sel.RANKINGS[filters.ranking]
        context = self.get_context_data(
            filter_form=filter_form,
            filtered=bool(request.GET),
            filters=filters,
            ranking_label=ranking_label,
            ranking_definition=ranking_definition,
            candidates=sel.candidates(organization=self.organization, filters=filters),
            limit=sel.CANDIDATES_LIMIT,
            pages=pages,
            page_networks={p.network for p in pages},
            amplify_form=amplify_form or AmplifyForm(pages=pages),
            amplifications=list(
                sel.amplifications(organization=self.organization)[:RECENT_AMPLIFICATIONS]
            ),
            can_connect=self.can(Capability.MANAGE_NETWORKS),
        )
        return render(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render()

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        pages = sel.usable_company_pages(organization=self.organization)
        form = AmplifyForm(request.POST, pages=pages)
        if form.is_valid():
            share = sel.candidate_get(
                organization=self.organization, share_id=form.cleaned_data["share"]
            )
            if share is None:
                form.add_error("share", _("Choose one of the posts below."))
            else:
                try:
                    amplification_create(
                        actor=self.membership,
                        share=share,
                        account=form.cleaned_data["account"],
                        comment=form.cleaned_data["comment"],
                    )
                except ValidationError as exc:
                    form_add_service_errors(form, exc)
                else:
                    messages.success(
                        request,
                        _("Queued: %(page)s will re-share the post.")
                        % {"page": form.cleaned_data["account"].display_name},
                    )
                    return redirect(request.get_full_path())
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return self._render(form, status=400)


class AmplificationRetryView(OrgPageView):
    capability = Capability.MANAGE_CAMPAIGNS
    model = Amplification
    pk_url_kwarg = "amplification_id"
    http_method_names = ["post"]

    def load_objects(self) -> None:
        self.amplification = self.get_object()

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            amplification_retry(actor=self.membership, amplification=self.amplification)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Queued again."))
        return redirect("amplify_candidates", org_slug=self.organization.slug)
