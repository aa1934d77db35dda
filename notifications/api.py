"""API: my notifications (list, mark one or all read) and my preferences (GET, PATCH),
under ``/api/v1/orgs/<org_slug>/notifications/``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import Route, SimpleRouter

from advocacy.api.base import ANY_MEMBER, OrgScopedViewSet
from advocacy.models import Membership
from advocacy.permissions import Capability

from .events import MEMBER_CHANNELS, chat_events, render
from .models import ChatChannel, ChatKind, Notification
from .selectors import preferences_of, unread_count
from .services.chat import chat_channel_create, chat_channel_delete
from .services.inbox import notification_mark_read, notifications_mark_all_read
from .services.preferences import preferences_update


class NotificationSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    link = serializers.SerializerMethodField()
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = (
            "id",
            "event",
            "title",
            "body",
            "link",
            "params",
            "created_at",
            "read_at",
            "is_read",
        )
        read_only_fields = fields

    def get_title(self, obj: Notification) -> str:
        return render(obj.event, obj.params)[0]

    def get_body(self, obj: Notification) -> str:
        return render(obj.event, obj.params)[1]

    def get_link(self, obj: Notification) -> str | None:
        if not obj.link:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(obj.link) if request is not None else obj.link

    def get_is_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class PreferencesSerializer(serializers.Serializer):
    channels = serializers.DictField(
        child=serializers.DictField(child=serializers.BooleanField()),
        required=False,
        help_text="Event kind → channel (" + ", ".join(MEMBER_CHANNELS) + ") → on/off. Only "
        "the events your role can receive.",
    )
    quiet_start = serializers.TimeField(required=False, allow_null=True)
    quiet_end = serializers.TimeField(required=False, allow_null=True)
    quiet_disabled = serializers.BooleanField(required=False)
    time_zone = serializers.CharField(
        required=False, allow_blank=True, max_length=64, help_text="Empty: the organization's."
    )


def preferences_data(membership: Membership) -> dict[str, Any]:
    prefs = preferences_of(membership=membership)
    return {
        "channels": prefs.channels,
        "quiet_start": prefs.quiet_start,
        "quiet_end": prefs.quiet_end,
        "quiet_disabled": prefs.quiet_disabled,
        "time_zone": prefs.time_zone,
    }


class NotificationViewSet(OrgScopedViewSet):
    """My notifications, newest first (nobody sees anyone else's)."""

    model = Notification
    lookup_url_kwarg = "notification_id"
    serializer_class = NotificationSerializer
    capabilities = {"list": ANY_MEMBER, "read": ANY_MEMBER, "read_all": ANY_MEMBER}

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.filter(membership=self.membership).order_by("-id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        qs = self.get_queryset()
        if request.query_params.get("unread") in ("1", "true"):
            qs = qs.filter(read_at__isnull=True)
        page = self.paginate_queryset(qs)
        ser = NotificationSerializer(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(ser.data)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        notification = notification_mark_read(actor=self.membership, notification=self.get_object())
        return Response(
            NotificationSerializer(notification, context=self.get_serializer_context()).data
        )

    @extend_schema(
        request=None,
        responses=inline_serializer(
            name="NotificationsReadAll",
            fields={"marked": serializers.IntegerField(), "unread": serializers.IntegerField()},
        ),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        marked = notifications_mark_all_read(actor=self.membership)
        return Response({"marked": marked, "unread": unread_count(membership=self.membership)})


class NotificationPreferencesViewSet(OrgScopedViewSet):
    """My notification preferences: per event and channel, quiet hours, time zone."""

    capabilities = {"retrieve": ANY_MEMBER, "partial_update": ANY_MEMBER}
    serializer_class = PreferencesSerializer
    pagination_class = None

    @extend_schema(responses=PreferencesSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(PreferencesSerializer(preferences_data(self.membership)).data)

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = PreferencesSerializer(data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        try:
            preferences_update(actor=self.membership, **ser.validated_data)
        except DjangoValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            raise ValidationError(detail) from exc
        return Response(PreferencesSerializer(preferences_data(self.membership)).data)


class ChatChannelSerializer(serializers.ModelSerializer):
    """A channel as admins see it: never the webhook address (a secret), only its hint."""

    class Meta:
        model = ChatChannel
        fields = (
            "id",
            "kind",
            "name",
            "url_hint",
            "events",
            "is_active",
            "created_at",
            "last_posted_at",
            "last_error",
        )
        read_only_fields = fields


class ChatChannelCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ChatKind.choices)
    name = serializers.CharField(max_length=100)
    url = serializers.CharField(max_length=2000, help_text="The incoming webhook's address.")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=[e.kind for e in chat_events()]),
        allow_empty=False,
    )


class ChatChannelViewSet(OrgScopedViewSet):
    """The organization's Slack and Teams channels (admins)."""

    model = ChatChannel
    lookup_url_kwarg = "channel_id"
    serializer_class = ChatChannelSerializer
    pagination_class = None  # an organization has a handful of channels
    capabilities = {
        "list": Capability.MANAGE_ORGANIZATION,
        "create": Capability.MANAGE_ORGANIZATION,
        "destroy": Capability.MANAGE_ORGANIZATION,
    }

    def safely_get_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.order_by("kind", "name", "pk")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(ChatChannelSerializer(self.get_queryset(), many=True).data)

    @extend_schema(request=ChatChannelCreateSerializer, responses={201: ChatChannelSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = ChatChannelCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            channel = chat_channel_create(actor=self.membership, **ser.validated_data)
        except DjangoValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            raise ValidationError(detail) from exc
        return Response(ChatChannelSerializer(channel).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        chat_channel_delete(actor=self.membership, channel=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class PreferencesRouter(SimpleRouter):
    routes = [
        Route(
            url=r"^{prefix}{trailing_slash}$",
            mapping={"get": "retrieve", "patch": "partial_update"},
            name="{basename}",
            detail=True,
            initkwargs={"suffix": "Instance"},
        )
    ]


preferences_router = PreferencesRouter(trailing_slash=True)
preferences_router.register(
    "notifications/preferences",
    NotificationPreferencesViewSet,
    basename="api_notification_preferences",
)
router = SimpleRouter(trailing_slash=True)
router.register("notifications/channels", ChatChannelViewSet, basename="api_chat_channels")
router.register("notifications", NotificationViewSet, basename="api_notifications")

urlpatterns = [*preferences_router.urls, *router.urls]
