"""Rewards pages: the catalogue (everyone), my requests, the managers' queue, and the
reward form. Every POST calls one service; its refusals are shown on the page with 400."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from advocacy.forms.service_errors import form_add_service_errors, service_error_messages
from advocacy.keyset import keyset_links, keyset_page
from advocacy.permissions import Capability
from advocacy.redirects import next_url_or
from advocacy.tenancy import OrgPageView, access_by_id

from ..forms.rewards import DecisionForm, RedeemForm, RedemptionFilterForm, RewardForm
from ..models import Redemption, RedemptionStatus, Reward
from ..selectors.rewards import (
    CATALOGUE_LIMIT,
    catalogue_cards,
    points_spendable,
    redemption_counts,
    redemptions_of_member,
    redemptions_queue,
    rewards_of_org,
)
from ..services.rewards import (
    redemption_approve,
    redemption_cancel,
    redemption_fulfil,
    redemption_reject,
    reward_create,
    reward_redeem_or_replay,
    reward_update,
)

PAGE_SIZE = 30


class CatalogueView(OrgPageView):
    """The rewards a member can ask for, with their spendable points; managers also see
    the rewards that are switched off, and links to edit them."""

    capability = Capability.VIEW_FEED

    def render_catalogue(
        self, request: HttpRequest, *, error_reward: int | None = None, status: int = 200
    ) -> HttpResponse:
        manager = self.can(Capability.MANAGE_REWARDS)
        rewards = list(
            rewards_of_org(organization=self.organization, active_only=not manager)[
                :CATALOGUE_LIMIT
            ]
        )
        spendable = points_spendable(membership=self.membership)
        cards = catalogue_cards(rewards=rewards, spendable=spendable)
        return render(
            request,
            "campaigns/rewards/catalogue.html",
            self.get_context_data(
                cards=[c for c in cards if c.reward.is_active],
                inactive_cards=[c for c in cards if not c.reward.is_active],
                spendable=spendable,
                request_key=RedeemForm.new_key(),
                error_reward=error_reward,
                manager=manager,
            ),
            status=status,
        )

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self.render_catalogue(request)


class RedeemView(CatalogueView):
    """POST: ask for one unit of a reward."""

    http_method_names = ["post"]

    def load_objects(self) -> None:
        self.reward = access_by_id(
            Reward, organization=self.organization, pk=self.kwargs["reward_id"]
        )

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = RedeemForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("The page was out of date. Try again."))
            return self.render_catalogue(request, error_reward=self.reward.pk, status=400)
        try:
            redemption, created = reward_redeem_or_replay(
                actor=self.membership,
                reward=self.reward,
                request_key=form.cleaned_data["request_key"],
            )
        except ValidationError as exc:
            for message in service_error_messages(exc):
                messages.error(request, message)
            return self.render_catalogue(request, error_reward=self.reward.pk, status=400)
        if created:
            messages.success(
                request,
                _(
                    "You asked for “%(name)s”. %(cost)s points are held until a manager "
                    "decides; you get them back if it is rejected or you withdraw."
                )
                % {"name": self.reward.name, "cost": f"{redemption.cost:,}"},
            )
        return redirect("rewards_mine", org_slug=self.organization.slug)


class MyRedemptionsView(OrgPageView):
    """The member's requests, newest first, and withdrawing one nobody has decided."""

    capability = Capability.VIEW_FEED

    def render_mine(self, request: HttpRequest, *, status: int = 200) -> HttpResponse:
        page = keyset_page(
            redemptions_of_member(membership=self.membership),
            order=("-id",),
            cursor=request.GET.get("cursor"),
            size=PAGE_SIZE,
            on_invalid="first",
        )
        return render(
            request,
            "campaigns/rewards/mine.html",
            self.get_context_data(
                page=page,
                spendable=points_spendable(membership=self.membership),
                **keyset_links(request, page),
            ),
            status=status,
        )

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self.render_mine(request)


class CancelRedemptionView(MyRedemptionsView):
    http_method_names = ["post"]
    model = Redemption
    pk_url_kwarg = "redemption_id"

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        # Only one's own: a colleague's request is the same 404 as a missing one.
        return queryset.filter(membership=self.membership).select_related("reward")

    def load_objects(self) -> None:
        self.redemption = self.get_object()

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            redemption_cancel(actor=self.membership, redemption=self.redemption)
        except ValidationError as exc:
            for message in service_error_messages(exc):
                messages.error(request, message)
            return self.render_mine(request, status=400)
        messages.success(
            request,
            _("Withdrawn. %(cost)s points are yours to spend again.")
            % {"cost": f"{self.redemption.cost:,}"},
        )
        return redirect("rewards_mine", org_slug=self.organization.slug)


class RedemptionQueueView(OrgPageView):
    """Managers: every request, newest first, by status, with the decisions."""

    capability = Capability.MANAGE_REWARDS

    def render_queue(self, request: HttpRequest, *, status: int = 200) -> HttpResponse:
        form = RedemptionFilterForm(request.GET or None)
        wanted = ""
        if form.is_bound:
            if form.is_valid():
                wanted = form.cleaned_data.get("status") or ""
            else:
                status = 400
        counts = redemption_counts(organization=self.organization)
        page = keyset_page(
            redemptions_queue(organization=self.organization, status=wanted),
            order=("-id",),
            cursor=request.GET.get("cursor"),
            size=PAGE_SIZE,
            on_invalid="first",
        )
        return render(
            request,
            "campaigns/rewards/queue.html",
            self.get_context_data(
                form=form,
                page=page,
                tabs=[(value, label, counts[value]) for value, label in RedemptionStatus.choices],
                wanted=wanted,
                here=request.get_full_path(),
                **keyset_links(request, page),
            ),
            status=status,
        )

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self.render_queue(request)


class DecideRedemptionView(RedemptionQueueView):
    """POST: approve, reject (with a reason) or mark fulfilled."""

    http_method_names = ["post"]
    model = Redemption
    pk_url_kwarg = "redemption_id"

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.select_related("reward", "membership__user")

    def load_objects(self) -> None:
        self.redemption = self.get_object()

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = DecisionForm(request.POST)
        back = next_url_or(
            request,
            request.POST.get("next"),
            reverse("rewards_redemptions", kwargs={"org_slug": self.organization.slug}),
        )
        if not form.is_valid():
            messages.error(request, _("Choose approve, reject or mark fulfilled."))
            return self.render_queue(request, status=400)
        decision, note = form.cleaned_data["decision"], form.cleaned_data.get("note") or ""
        try:
            if decision == DecisionForm.APPROVE:
                redemption_approve(actor=self.membership, redemption=self.redemption, note=note)
                done = _("Approved. Hand it over, then mark it fulfilled.")
            elif decision == DecisionForm.REJECT:
                redemption_reject(actor=self.membership, redemption=self.redemption, reason=note)
                done = _("Rejected; the points and the unit of stock went back.")
            else:
                redemption_fulfil(actor=self.membership, redemption=self.redemption, note=note)
                done = _("Marked fulfilled.")
        except ValidationError as exc:
            for message in service_error_messages(exc):
                messages.error(request, message)
            return self.render_queue(request, status=400)
        messages.success(request, done)
        return redirect(back)


class RewardCreateView(OrgPageView):
    capability = Capability.MANAGE_REWARDS
    template_name = "campaigns/rewards/reward_form.html"

    def render_form(
        self, request: HttpRequest, form: RewardForm, reward: Reward | None, status: int = 200
    ) -> HttpResponse:
        return render(
            request,
            self.template_name,
            self.get_context_data(form=form, reward=reward),
            status=status,
        )

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self.render_form(request, RewardForm(initial={"is_active": True}), None)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = RewardForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                reward = reward_create(actor=self.membership, **form.service_kwargs())
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("“%(name)s” is in the catalogue.") % {"name": reward.name}
                )
                return redirect("rewards_catalogue", org_slug=self.organization.slug)
        return self.render_form(request, form, None, status=400)


class RewardEditView(RewardCreateView):
    model = Reward
    pk_url_kwarg = "reward_id"

    def load_objects(self) -> None:
        self.reward = self.get_object()

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = RewardForm(initial=RewardForm.initial_for(self.reward), reward=self.reward)
        return self.render_form(request, form, self.reward)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = RewardForm(request.POST, request.FILES, reward=self.reward)
        if form.is_valid():
            try:
                reward = reward_update(
                    actor=self.membership,
                    reward=self.reward,
                    remove_image=bool(form.cleaned_data.get("remove_image")),
                    **form.service_kwargs(),
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("“%(name)s” was saved.") % {"name": reward.name})
                return redirect("rewards_catalogue", org_slug=self.organization.slug)
        return self.render_form(request, form, self.reward, status=400)
