"""``/api/v1/tokens/``: the signed-in user's personal API tokens.

User-level, not organization-scoped: a token belongs to a person. Every query is
filtered by ``request.user``, so another user's token is a 404, never a 403.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from ..models import ApiToken, User
from ..selectors import api_tokens_of_user
from ..services.tokens import api_token_create, api_token_revoke, api_tokens_revoke_all
from .base import ApiViewMixin
from .throttling import AuthThrottle


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields: tuple[str, ...] = ("id", "name", "prefix", "created_at", "last_used_at")
        read_only_fields: tuple[str, ...] = ("id", "prefix", "created_at", "last_used_at")


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    key = serializers.CharField(
        read_only=True, help_text="The full token. It is shown in this response only."
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = (*ApiTokenSerializer.Meta.fields, "key")
        read_only_fields = (*ApiTokenSerializer.Meta.read_only_fields, "key")


class ApiTokensRevokedSerializer(serializers.Serializer):
    revoked = serializers.IntegerField(help_text="How many active tokens were revoked.")


class ApiTokenViewSet(
    ApiViewMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """List, create and revoke your own personal API tokens."""

    serializer_class = ApiTokenSerializer
    lookup_url_kwarg = "token_id"
    lookup_value_regex = r"\d+"
    queryset = ApiToken.objects.none()  # for the schema; real rows come from get_queryset

    def get_throttles(self) -> list[BaseThrottle]:
        # Creating a token is signing in for good: the stricter authentication rate too.
        throttles = super().get_throttles()
        if self.action == "create":
            throttles.append(AuthThrottle())
        return throttles

    def get_queryset(self) -> QuerySet[ApiToken]:
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        # IsAuthenticated (the default permission) has run: the user is signed in.
        return api_tokens_of_user(user=cast(User, self.request.user)).order_by("-id")

    @extend_schema(request=ApiTokenSerializer, responses={201: ApiTokenCreatedSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ApiTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, raw = api_token_create(
            actor=cast(User, request.user),  # IsAuthenticated has run
            name=serializer.validated_data["name"],
        )
        token.key = raw
        return Response(ApiTokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        api_token_revoke(
            actor=cast(User, request.user),  # IsAuthenticated has run
            token_id=kwargs["token_id"],  # the route's lookup_url_kwarg
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: ApiTokensRevokedSerializer})
    @action(detail=False, methods=["post"], url_path="revoke-all")
    def revoke_all(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Revoke every one of your active tokens, the one this request uses included."""
        count = api_tokens_revoke_all(actor=cast(User, request.user))  # IsAuthenticated has run
        return Response(ApiTokensRevokedSerializer({"revoked": count}).data)
