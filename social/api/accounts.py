"""API of linked network accounts under ``/api/v1/orgs/<org_slug>/networks/``.

* ``GET networks/``: the caller's own linked accounts with their health (never a token).
* ``POST networks/<account_id>/disconnect/``: wipe one of the caller's accounts' tokens.
* ``GET networks/health/``: the organization's connection health per network (admins).

Design: ``NetworkAccount`` is the person's (a global model on the registry's allowlist), so
it cannot be reached through ``OrgScopedViewSet``'s organization-scoped queryset, and that
base rightly refuses subclasses that override ``get_queryset``/``get_object``. The viewsets
below still inherit ``OrgScopedViewSet`` for what it owns (slug -> organization and
membership, 404 for non-members, per-action capabilities that fail closed), but
``NetworkAccountViewSet`` sets ``model = None`` and never calls ``get_queryset``/``get_object``
(an accidental call raises ``TypeError``): its rows come from ``selectors_accounts`` by
``request.user`` alone, where another person's account id is the same 404 as a missing one.
The health viewset is an ordinary tenant viewset over ``NetworkPolicy``.
"""

from __future__ import annotations

from typing import Any, cast

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from advocacy.api.base import ANY_MEMBER, OrgScopedViewSet
from advocacy.api.serializers import BlankAsNullURLField
from advocacy.models import User
from advocacy.networks import Network
from advocacy.permissions import Capability

from ..models import NetworkAccount, NetworkPolicy
from ..selectors.accounts import (
    Health,
    account_health,
    network_account_of_user,
    network_accounts_of_user,
    network_health_for_org,
)
from ..services.accounts import network_account_disconnect

# --- Serializers ---------------------------------------------------------------------


class NetworkAccountSerializer(serializers.ModelSerializer):
    """A linked account as its owner sees it. Tokens are never part of it."""

    health = serializers.SerializerMethodField()
    expires_in_days = serializers.SerializerMethodField()
    profile_url = BlankAsNullURLField()
    avatar_url = BlankAsNullURLField()

    class Meta:
        model = NetworkAccount
        fields = (
            "id",
            "network",
            "kind",
            "external_id",
            "display_name",
            "profile_url",
            "avatar_url",
            "audience_size",
            "audience_updated_at",
            "scopes",
            "status",
            "health",
            "expires_in_days",
            "token_expires_at",
            "connected_at",
            "last_refreshed_at",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=Health.choices))
    def get_health(self, obj: NetworkAccount) -> str:
        return account_health(obj, now=self.context["now"]).state

    def get_expires_in_days(self, obj: NetworkAccount) -> int | None:
        return account_health(obj, now=self.context["now"]).days_left


class NetworkHealthRowSerializer(serializers.Serializer):
    network = serializers.ChoiceField(choices=Network.choices)
    # DRF's metaclass moves declared fields out of the class, so these do not shadow
    # Field.label/Field.required at runtime; the stubs see class attributes.
    label = serializers.CharField()  # type: ignore[assignment]
    connected_members = serializers.IntegerField()
    needs_reconnect_members = serializers.IntegerField()
    expiring_members = serializers.IntegerField()
    required = serializers.BooleanField()  # type: ignore[assignment]
    allowed = serializers.BooleanField()
    errors_24h = serializers.IntegerField(help_text="Errors talking to the network, last 24 h.")
    last_error = serializers.CharField(help_text="What the latest error was (empty: none).")
    last_error_at = serializers.DateTimeField(allow_null=True)


class NetworkHealthSerializer(serializers.Serializer):
    active_members = serializers.IntegerField()
    networks = NetworkHealthRowSerializer(many=True)


# --- Viewsets ------------------------------------------------------------------------


class NetworkAccountViewSet(OrgScopedViewSet):
    """The caller's own linked accounts (see the module docstring for the design)."""

    model = None  # personal rows: reached through request.user, never the org queryset
    lookup_url_kwarg = "account_id"
    lookup_value_regex = "[0-9]+"
    route_names = {"list": "api_networks_mine"}
    serializer_class = NetworkAccountSerializer
    pagination_class = None  # a person links a handful of accounts
    capabilities = {"list": ANY_MEMBER, "disconnect": ANY_MEMBER}

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(responses=NetworkAccountSerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = cast(User, request.user)  # IsAuthenticated (the default permission) has run
        accounts = network_accounts_of_user(user=user)
        return Response(self.get_serializer(accounts, many=True).data)

    @extend_schema(
        request=None,
        responses=NetworkAccountSerializer,
        parameters=[OpenApiParameter("account_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"], url_name="api_network_account_disconnect")
    def disconnect(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        account = network_account_of_user(
            user=cast(User, request.user),  # IsAuthenticated has run
            account_id=kwargs["account_id"],
        )
        account = network_account_disconnect(account=account)
        return Response(self.get_serializer(account).data)


class NetworkHealthViewSet(OrgScopedViewSet):
    """Per network: this organization's active members connected, lapsed, expiring."""

    model = NetworkPolicy
    serializer_class = NetworkHealthSerializer
    pagination_class = None
    capabilities = {"summary": Capability.MANAGE_NETWORKS}

    @extend_schema(responses=NetworkHealthSerializer)
    @action(detail=False, methods=["get"], url_path="health", url_name="api_networks_health")
    def summary(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        health = network_health_for_org(organization=self.organization)
        return Response(self.get_serializer(health).data)


__all__ = ["NetworkAccountViewSet", "NetworkHealthViewSet"]
