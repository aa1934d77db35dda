"""API of leaderboards: ``GET leaderboards/`` (a board's top, the caller's rank and
neighbours) and ``GET leaderboards/teams/`` (departments by total and by average points per
active member). Parameters are validated: anything else is a 400 naming the field."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DynamicRoute, Route, SimpleRouter

from advocacy.api.base import OrgScopedViewSet
from advocacy.permissions import Capability

from ..models import PointsBalance
from ..selectors import boards as sel


class BoardQuerySerializer(serializers.Serializer):
    board = serializers.ChoiceField(choices=sel.KINDS, required=False, default=sel.KIND_OVERALL)
    period = serializers.ChoiceField(
        choices=sel.PERIODS,
        required=False,
        help_text="Default: week (campaign boards: campaign). Calendar periods are in the "
        "organization's time zone; weeks start on Monday.",
    )
    metric = serializers.ChoiceField(
        choices=sel.METRICS,
        required=False,
        default=sel.METRIC_POINTS,
        help_text="impressions, engagement and clicks rank campaign boards only.",
    )
    campaign = serializers.IntegerField(required=False, min_value=1, help_text="board=campaign")
    department = serializers.IntegerField(
        required=False, min_value=1, help_text="board=department (default: the caller's)"
    )
    location = serializers.CharField(
        required=False, max_length=120, help_text="board=location (default: the caller's)"
    )
    limit = serializers.IntegerField(
        required=False, min_value=0, max_value=sel.TOP_MAX, default=sel.TOP_DEFAULT
    )
    around = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=sel.AROUND_MAX,
        default=sel.AROUND_DEFAULT,
        help_text="Neighbours on each side of the caller.",
    )


class TeamQuerySerializer(serializers.Serializer):
    period = serializers.ChoiceField(
        choices=sel.CALENDAR_PERIODS, required=False, default=sel.PERIOD_MONTH
    )


class BoardRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    name = serializers.CharField(help_text="“A colleague in <department>” when anonymous.")
    department = serializers.CharField(allow_blank=True)
    score = serializers.IntegerField()
    anonymous = serializers.BooleanField()
    is_me = serializers.BooleanField()


class BoardSerializer(serializers.Serializer):
    board = serializers.ChoiceField(choices=sel.KINDS)
    title = serializers.CharField()
    period = serializers.ChoiceField(choices=sel.PERIODS)
    metric = serializers.ChoiceField(choices=sel.METRICS)
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    public = serializers.BooleanField(
        help_text="False: the organization keeps boards for managers; only `me` is answered."
    )
    participants = serializers.IntegerField()
    top = BoardRowSerializer(many=True)
    me = BoardRowSerializer(allow_null=True)
    neighbours = BoardRowSerializer(many=True)
    definitions = serializers.DictField(child=serializers.CharField())


class TeamRowSerializer(serializers.Serializer):
    department_id = serializers.IntegerField()
    name = serializers.CharField()
    total = serializers.IntegerField()
    active_members = serializers.IntegerField()
    average = serializers.FloatField()
    rank_total = serializers.IntegerField()
    rank_average = serializers.IntegerField()
    is_mine = serializers.BooleanField()


class TeamBoardSerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=sel.CALENDAR_PERIODS)
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    public = serializers.BooleanField()
    teams = TeamRowSerializer(many=True)
    active_member_definition = serializers.CharField()


def _row(row: sel.BoardRow | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "rank": row.rank,
        "name": row.name,
        "department": "" if row.anonymous else row.department,
        "score": row.score,
        "anonymous": row.anonymous,
        "is_me": row.is_me,
    }


class BoardViewSet(OrgScopedViewSet):
    model = PointsBalance
    capabilities = {"board": Capability.VIEW_FEED, "teams": Capability.VIEW_FEED}
    serializer_class = BoardSerializer
    pagination_class = None

    @extend_schema(parameters=[BoardQuerySerializer], responses=BoardSerializer)
    def board(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = BoardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        params = {k: str(v) for k, v in data.items() if k not in ("limit", "around")}
        try:
            board = sel.board_resolve(self.organization, params, membership=self.membership)
        except ValidationError as exc:
            raise DRFValidationError(exc.message_dict) from exc
        result = sel.board_read(
            board,
            viewer=self.membership,
            top_n=data["limit"],
            around=data["around"],
            public=sel.sees_boards(self.membership),
        )
        return Response(
            {
                "board": board.kind,
                "title": board.title,
                "period": board.period,
                "metric": board.metric,
                "starts_at": board.starts_at,
                "ends_at": board.ends_at,
                "public": result.public,
                "participants": result.participants,
                "top": [_row(r) for r in result.top],
                "me": _row(result.me),
                "neighbours": [_row(r) for r in result.neighbours],
                "definitions": {
                    "score": board.metric_definition,
                    "rank": str(sel.RANK_DEFINITION),
                },
            }
        )

    @extend_schema(parameters=[TeamQuerySerializer], responses=TeamBoardSerializer)
    @action(detail=False, methods=["get"])
    def teams(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = TeamQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        board = sel.board_resolve(self.organization, {"period": query.validated_data["period"]})
        public = sel.sees_boards(self.membership)
        rows = sel.team_board(board, viewer=self.membership)
        if not public:
            rows = [r for r in rows if r.is_mine]
        return Response(
            {
                "period": board.period,
                "starts_at": board.starts_at,
                "ends_at": board.ends_at,
                "public": public,
                "teams": [vars(r) for r in rows],
                "active_member_definition": str(sel.ACTIVE_MEMBER_DEFINITION),
            }
        )


class BoardRouter(SimpleRouter):
    """``leaderboards/`` answers one board (an object, not a list: the action is ``board``)
    and ``leaderboards/teams/`` the team board."""

    routes = [
        Route(
            url=r"^{prefix}{trailing_slash}$",
            mapping={"get": "board"},
            name="{basename}-list",
            detail=False,
            initkwargs={},
        ),
        DynamicRoute(
            url=r"^{prefix}/{url_path}{trailing_slash}$",
            name="{basename}-{url_name}",
            detail=False,
            initkwargs={},
        ),
    ]


router = BoardRouter(trailing_slash=True)
router.register("leaderboards", BoardViewSet, basename="api_boards")

urlpatterns = router.urls
