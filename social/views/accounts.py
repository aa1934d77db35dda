"""Pages of linked network accounts: My networks (any member) and connection health (admins).

``NetworkAccount`` is the person's (a global model), so these pages never reach it through the
organization's scoped queryset: the member's own rows come from ``selectors_accounts`` by
``request.user`` (another person's account id is a 404), and ``model`` stays ``None`` so an
accidental ``get_queryset``/``get_object`` fails loudly instead of leaking.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.forms.service_errors import form_add_service_errors
from advocacy.permissions import Capability
from advocacy.request_types import AuthenticatedHttpRequest
from advocacy.tenancy import OrgPageView

from ..forms.accounts import NetworkPolicyForm
from ..models import NetworkPolicy
from ..oauth import connect_login_url
from ..selectors.accounts import (
    EXPIRY_WARNING_DAYS,
    account_health,
    connectable_networks,
    dialog_networks_shown,
    network_account_of_user,
    network_accounts_of_user,
    network_health_for_org,
    network_policies,
)
from ..services.accounts import network_account_disconnect, network_policy_set


class NetworksMineView(OrgPageView):
    """My networks: linked accounts with their health, connect/reconnect and disconnect."""

    capability = None
    template_name = "social/accounts/networks_mine.html"

    def get(self, request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
        now = timezone.now()
        accounts = network_accounts_of_user(user=request.user)
        options = connectable_networks(organization=self.organization)
        allowed = {o.network for o in options if o.allowed}
        rows: list[dict[str, Any]] = [
            {"account": a, "health": account_health(a, now=now), "allowed": a.network in allowed}
            for a in accounts
        ]
        connected_networks = {
            r["account"].network for r in rows if r["health"].state in ("connected", "expiring")
        }
        here = reverse("networks_mine", kwargs={"org_slug": self.organization.slug})
        networks = [
            {
                "option": o,
                "login_url": connect_login_url(o.network),
                "has_account": any(r["account"].network == o.network for r in rows),
                "missing_required": o.required and o.network not in connected_networks,
            }
            for o in options
            if o.allowed
        ]
        context = self.get_context_data(
            rows=rows,
            networks=networks,
            dialog_networks=dialog_networks_shown(),
            warning_days=EXPIRY_WARNING_DAYS,
            next_url=here,
        )
        return render(request, self.template_name, context)


class NetworkAccountDisconnectView(OrgPageView):
    """POST: wipe the account's tokens; its shares keep their history."""

    capability = None
    pk_url_kwarg = "account_id"
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
        account = network_account_of_user(user=request.user, account_id=kwargs["account_id"])
        network_account_disconnect(account=account)
        messages.success(
            request,
            _(
                "%(account)s is disconnected. Its tokens are deleted; past shares keep their history."
            )
            % {"account": str(account)},
        )
        return redirect("networks_mine", org_slug=self.organization.slug)


class NetworksHealthView(OrgPageView):
    """The organization's connection health per network, and its network policy."""

    capability = Capability.MANAGE_NETWORKS
    model = NetworkPolicy
    template_name = "social/accounts/networks_health.html"

    def _render(self, form: NetworkPolicyForm, status: int = 200) -> HttpResponse:
        context = self.get_context_data(
            form=form,
            health=network_health_for_org(organization=self.organization),
            warning_days=EXPIRY_WARNING_DAYS,
        )
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(
            NetworkPolicyForm(policies=network_policies(organization=self.organization))
        )

    def post(self, request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
        form = NetworkPolicyForm(
            request.POST, policies=network_policies(organization=self.organization)
        )
        if form.is_valid():
            try:
                with transaction.atomic():
                    for network, (required, allowed) in form.policy_values().items():
                        network_policy_set(
                            actor=self.membership,
                            network=network,
                            required=required,
                            allowed=allowed,
                        )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("The network policy has been saved."))
                return redirect("networks_health", org_slug=self.organization.slug)
        return self._render(form, status=400)
