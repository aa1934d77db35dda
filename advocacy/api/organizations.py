"""``me/`` (the signed-in user and their organizations) and ``orgs/<org_slug>/`` (the
organization of the URL, with the caller's role there)."""

from __future__ import annotations

from typing import Any, cast

from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from ..models import Organization, User
from ..selectors import memberships_of_user
from .base import ANY_MEMBER, ApiViewMixin, OrgScopedViewSet


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ("slug", "name", "default_language", "time_zone")


class MembershipSummarySerializer(serializers.Serializer):
    organization = OrganizationSerializer()
    role = serializers.CharField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()
    language = serializers.CharField()
    memberships = MembershipSummarySerializer(many=True)


class MeViewSet(ApiViewMixin, viewsets.GenericViewSet):
    """The signed-in user and the organizations they belong to."""

    serializer_class = MeSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = cast(User, request.user)  # IsAuthenticated (the default permission) has run
        data = {
            "id": user.pk,
            "email": user.email,
            "name": user.name,
            "language": user.language,
            "memberships": list(memberships_of_user(user=user)),
        }
        return Response(MeSerializer(data).data)


class OrganizationViewSet(OrgScopedViewSet):
    """The organization of the URL, with the caller's role there."""

    capabilities = {"retrieve": ANY_MEMBER}
    serializer_class = OrganizationSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = OrganizationSerializer(self.organization).data
        data["role"] = self.membership.role
        return Response(data)
