"""Leaderboard pages: a board with its pickers and the member's rank card, the team board
(departments by total and by average per active member), the organization's public switch
and the member's anonymity choice. No script: pickers are links and GET forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from advocacy.permissions import Capability
from advocacy.tenancy import OrgPageView

from ..forms.boards import BoardAnonymityForm, BoardsSettingsForm
from ..models import PointsBalance
from ..selectors import boards as sel
from ..services.boards import board_anonymity_set, recognition_settings_update


def _query(**params: str) -> str:
    return "?" + urlencode({k: v for k, v in params.items() if v})


class BoardView(OrgPageView):
    """``/o/<org>/leaderboards/?board=&period=&metric=&campaign=&department=&location=``."""

    capability = Capability.VIEW_FEED
    template_name = "campaigns/boards/board.html"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        settings_row = sel.recognition_settings(self.organization)
        public = sel.sees_boards(self.membership, settings_row)
        errors: dict[str, list[str]] = {}
        board: sel.Board | None = None
        result = None
        try:
            resolved = sel.board_resolve(self.organization, request.GET, membership=self.membership)
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            board = resolved
            result = sel.board_read(resolved, viewer=self.membership, public=public)
        anonymous = PointsBalance.objects.filter(
            organization=self.organization, membership=self.membership, anonymous_on_boards=True
        ).exists()
        context = self.get_context_data(
            board=board,
            result=result,
            errors=errors,
            public=public,
            settings_row=settings_row,
            can_manage=self.can(Capability.MANAGE_CAMPAIGNS),
            choices=sel.board_choices(self.organization),
            kinds=[(k, sel.KIND_LABELS[k]) for k in sel.KINDS],
            periods=self._period_links(board),
            metrics=self._metric_links(board),
            anonymity_form=BoardAnonymityForm(initial={"anonymous": anonymous}),
            rank_definition=sel.RANK_DEFINITION,
            params=request.GET,
            location_query=_query(board=sel.KIND_LOCATION, location=self.membership.location),
        )
        return render(request, self.template_name, context, status=400 if errors else 200)

    def _period_links(self, board: sel.Board | None) -> list[dict[str, Any]]:
        if board is None or board.kind == sel.KIND_CAMPAIGN:
            return []
        base = board.params()
        return [
            {
                "label": sel.PERIOD_LABELS[p],
                "query": _query(**{**base, "period": p}),
                "current": p == board.period,
            }
            for p in sel.CALENDAR_PERIODS
        ]

    def _metric_links(self, board: sel.Board | None) -> list[dict[str, Any]]:
        if board is None or board.kind != sel.KIND_CAMPAIGN:
            return []
        base = board.params()
        return [
            {
                "label": sel.METRIC_LABELS[m],
                "query": _query(**{**base, "metric": m}),
                "current": m == board.metric,
            }
            for m in sel.METRICS
        ]


class TeamBoardView(OrgPageView):
    """Departments ranked by total points and by average points per active member."""

    capability = Capability.VIEW_FEED
    template_name = "campaigns/boards/teams.html"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        public = sel.sees_boards(self.membership)
        errors: dict[str, list[str]] = {}
        rows: list[sel.TeamRow] = []
        period = request.GET.get("period") or sel.PERIOD_MONTH
        board: sel.Board | None = None
        try:
            resolved = sel.board_resolve(self.organization, {"period": period})
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            board = resolved
            rows = sel.team_board(resolved, viewer=self.membership)
            if not public:
                rows = [r for r in rows if r.is_mine]
        context = self.get_context_data(
            board=board,
            rows=rows,
            errors=errors,
            public=public,
            periods=[
                {
                    "label": sel.PERIOD_LABELS[p],
                    "query": _query(period=p),
                    "current": board is not None and p == board.period,
                }
                for p in sel.CALENDAR_PERIODS
            ],
            active_definition=sel.ACTIVE_MEMBER_DEFINITION,
        )
        return render(request, self.template_name, context, status=400 if errors else 200)


class BoardSettingsView(OrgPageView):
    """The organization's switch: public leaderboards, or managers only."""

    capability = Capability.MANAGE_CAMPAIGNS
    template_name = "campaigns/boards/settings.html"

    def _render(self, form: BoardsSettingsForm, status: int = 200) -> HttpResponse:
        return render(
            self.request, self.template_name, self.get_context_data(form=form), status=status
        )

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        row = sel.recognition_settings(self.organization)
        return self._render(
            BoardsSettingsForm(initial={"public_leaderboards": row.public_leaderboards})
        )

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = BoardsSettingsForm(request.POST)
        if not form.is_valid():
            return self._render(form, status=400)
        public = form.cleaned_data["public_leaderboards"]
        recognition_settings_update(actor=self.membership, public_leaderboards=public)
        messages.success(
            request,
            _("Employees now see the leaderboards.")
            if public
            else _("Leaderboards are now for managers only; employees see their own rank."),
        )
        return redirect("boards", org_slug=self.organization.slug)


class BoardAnonymityView(OrgPageView):
    """The member's own choice to appear anonymously (POST; GET goes to the boards)."""

    capability = Capability.VIEW_FEED

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return redirect("boards", org_slug=self.organization.slug)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = BoardAnonymityForm(request.POST)
        if not form.is_valid():  # a boolean field: only a tampered form gets here
            messages.error(request, _("Your choice could not be saved."))
            return redirect("boards", org_slug=self.organization.slug)
        anonymous = form.cleaned_data["anonymous"]
        board_anonymity_set(actor=self.membership, anonymous=anonymous)
        messages.success(
            request,
            _("Colleagues now see you as “a colleague” on the leaderboards.")
            if anonymous
            else _("Colleagues now see your name on the leaderboards."),
        )
        return redirect("boards", org_slug=self.organization.slug)
