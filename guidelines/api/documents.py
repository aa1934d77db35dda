"""``documents/``: policy documents (every member reads published ones and accepts them;
admins create, edit the draft and see drafts) and, nested, ``documents/<id>/versions/``
(admins: list, read, publish)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from advocacy.api.base import ANY_MEMBER, OrgScopedViewSet
from advocacy.permissions import Capability, has_capability
from advocacy.tenancy import access_by_id

from .. import selectors, services
from ..models import DocumentKind, PolicyDocument, PolicyVersion

MANAGE = Capability.MANAGE_GUIDELINES


class PolicyVersionSerializer(serializers.ModelSerializer):
    is_published = serializers.BooleanField(read_only=True)

    class Meta:
        model = PolicyVersion
        fields = (
            "id",
            "number",
            "body_markdown",
            "rendered_html",
            "requires_reacknowledgement",
            "is_published",
            "published_at",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class PolicyDocumentSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    slug = serializers.SlugField(max_length=80, required=False, allow_blank=True)
    body_markdown = serializers.CharField(
        write_only=True, required=False, allow_blank=True, trim_whitespace=False
    )
    published_version = serializers.SerializerMethodField()
    draft_version = serializers.SerializerMethodField()
    acknowledgement_required = serializers.SerializerMethodField()

    class Meta:
        model = PolicyDocument
        fields = (
            "id",
            "kind",
            "title",
            "slug",
            "contact_name",
            "contact_email",
            "body_markdown",
            "published_version",
            "draft_version",
            "acknowledgement_required",
        )
        read_only_fields = ("id", "published_version", "draft_version")

    def _detail(self) -> bool:
        return bool(self.context.get("detail"))

    def get_published_version(self, document: PolicyDocument) -> dict[str, Any] | None:
        if not self._detail():
            if getattr(document, "published_version_id", None) is None:
                return None
            return {
                "id": document.published_version_id,
                "number": document.published_number,
                # A published version always has its publication time.
                "published_at": serializers.DateTimeField().to_representation(
                    cast(datetime, document.published_at)
                ),
            }
        version = selectors.policy_version_latest_published(document=document)
        return PolicyVersionSerializer(version).data if version else None

    def get_draft_version(self, document: PolicyDocument) -> dict[str, Any] | None:
        membership = self.context.get("membership")
        if not self._detail() or not has_capability(membership, MANAGE):
            return None
        draft = selectors.policy_version_draft(document=document)
        return PolicyVersionSerializer(draft).data if draft else None

    def get_acknowledgement_required(self, document: PolicyDocument) -> bool:
        pending = self.context.get("pending")
        return pending is not None and pending.document_id == document.pk

    def create(self, validated_data: dict[str, Any]) -> PolicyDocument:
        return services.policy_document_create(actor=self.context["membership"], **validated_data)

    def update(self, instance: PolicyDocument, validated_data: dict[str, Any]) -> PolicyDocument:
        return services.policy_document_update(
            actor=self.context["membership"],
            document=instance,
            title=validated_data.get("title", instance.title),
            contact_name=validated_data.get("contact_name", instance.contact_name),
            contact_email=validated_data.get("contact_email", instance.contact_email),
        )


class DraftSerializer(serializers.Serializer):
    body_markdown = serializers.CharField(allow_blank=True, trim_whitespace=False)


class PublishSerializer(serializers.Serializer):
    requires_reacknowledgement = serializers.BooleanField(default=False)


class AcknowledgementStatusSerializer(serializers.Serializer):
    # DRF's metaclass moves declared fields out of the class, so this does not shadow
    # Field.required at runtime; the stubs see a class attribute of the serializer.
    required = serializers.BooleanField()  # type: ignore[assignment]
    document_id = serializers.IntegerField(allow_null=True)
    version_id = serializers.IntegerField(allow_null=True)
    version_number = serializers.IntegerField(allow_null=True)


class PolicyDocumentViewSet(OrgScopedViewSet):
    """Published documents for every member; admins also see drafts and write."""

    model = PolicyDocument
    queryset = PolicyDocument.objects.none()  # only tells the schema the model; see get_queryset
    lookup_url_kwarg = "document_id"
    lookup_value_regex = "[0-9]+"
    serializer_class = PolicyDocumentSerializer
    capabilities = {
        "list": ANY_MEMBER,
        "retrieve": ANY_MEMBER,
        "acknowledge": ANY_MEMBER,
        "acknowledgement_status": ANY_MEMBER,
        "create": MANAGE,
        "partial_update": MANAGE,
        "draft": MANAGE,
    }

    def safely_get_queryset(self, queryset: QuerySet) -> QuerySet:
        include_drafts = has_capability(self.membership, MANAGE)
        return selectors.policy_documents(
            organization=self.organization, include_drafts=include_drafts
        )

    def get_serializer_context(self) -> dict[str, Any]:
        ctx = super().get_serializer_context()
        if getattr(self, "membership", None) is not None and self.action in ("list", "retrieve"):
            ctx["pending"] = selectors.policy_acknowledgement_required(membership=self.membership)
        ctx["detail"] = self.action not in ("list",)
        return ctx

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = serializer.save()
        return Response(self.get_serializer(document).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        document = self.get_object()
        serializer = self.get_serializer(document, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        document = serializer.save()
        return Response(self.get_serializer(document).data)

    @extend_schema(request=None, responses={201: None})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Accept the latest published version of the document."""
        document = self.get_object()
        version = selectors.policy_version_latest_published(document=document)
        if version is None:
            # Raised, so the error handler answers it in the API's one error format.
            raise serializers.ValidationError({"document": ["This document is not published."]})
        ack = services.policy_acknowledge(actor=self.membership, version=version)
        return Response(
            {"version_id": version.pk, "acknowledged_at": ack.acknowledged_at},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses=AcknowledgementStatusSerializer)
    @action(detail=False, methods=["get"], url_path="acknowledgement")
    def acknowledgement_status(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Whether the caller must accept the social-media policy before sharing."""
        pending = selectors.policy_acknowledgement_required(membership=self.membership)
        return Response(
            {
                "required": pending is not None,
                "document_id": pending.document_id if pending else None,
                "version_id": pending.pk if pending else None,
                "version_number": pending.number if pending else None,
            }
        )

    @extend_schema(request=DraftSerializer, responses=PolicyVersionSerializer)
    @action(detail=True, methods=["post"])
    def draft(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Save the draft text (creating a new draft version after a published one)."""
        document = self.get_object()
        serializer = DraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = services.policy_version_draft_save(
            actor=self.membership,
            document=document,
            body_markdown=serializer.validated_data["body_markdown"],
        )
        return Response(PolicyVersionSerializer(version).data)


class PolicyVersionViewSet(OrgScopedViewSet):
    """Versions of one document (admins)."""

    model = PolicyVersion
    queryset = PolicyVersion.objects.none()  # only tells the schema the model; see get_queryset
    lookup_url_kwarg = "version_id"
    lookup_value_regex = "[0-9]+"
    serializer_class = PolicyVersionSerializer
    capabilities = {"list": MANAGE, "retrieve": MANAGE, "publish": MANAGE}

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.document = access_by_id(
            PolicyDocument, organization=self.organization, pk=kwargs.get("document_id")
        )

    def safely_get_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.filter(document=self.document).order_by("-number")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(PolicyVersionSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(PolicyVersionSerializer(self.get_object()).data)

    @extend_schema(request=PublishSerializer, responses=PolicyVersionSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        version = self.get_object()
        serializer = PublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = services.policy_version_publish(
            actor=self.membership,
            version=version,
            requires_reacknowledgement=serializer.validated_data["requires_reacknowledgement"],
        )
        return Response(PolicyVersionSerializer(version).data)
