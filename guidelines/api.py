"""Guidelines API under ``/api/v1/orgs/<org_slug>/guidelines/``: the caption check,
policy documents (read, accept; admins create, draft, publish) and caption rules."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from advocacy.api.base import ANY_MEMBER, OrgScopedViewSet
from advocacy.networks import Network
from advocacy.permissions import Capability, has_capability
from advocacy.tenancy import access_by_id

from . import selectors, services
from .checker import check_caption, has_blocking
from .models import (
    DocumentKind,
    GuidelineRule,
    PolicyDocument,
    PolicyVersion,
    RuleKind,
    Severity,
)

MANAGE = Capability.MANAGE_GUIDELINES

# --- Caption check --------------------------------------------------------------


class CaptionCheckSerializer(serializers.Serializer):
    text = serializers.CharField(
        required=False, default="", allow_blank=True, trim_whitespace=False, max_length=100_000
    )
    network = serializers.ChoiceField(choices=Network.choices, required=False, allow_null=True)


class FindingSerializer(serializers.Serializer):
    rule_id = serializers.IntegerField(allow_null=True)
    kind = serializers.ChoiceField(choices=RuleKind.choices)
    severity = serializers.ChoiceField(choices=Severity.choices)
    message = serializers.CharField()
    start = serializers.IntegerField(help_text="Index in the text (Unicode code points).")
    end = serializers.IntegerField()
    utf16_start = serializers.IntegerField(help_text="The same index in UTF-16 code units.")
    utf16_end = serializers.IntegerField()
    excerpt = serializers.CharField()
    suggestion = serializers.CharField(
        allow_null=True, help_text="Replaces text[start:end] when the fix is applied."
    )


class CaptionCheckResultSerializer(serializers.Serializer):
    findings = FindingSerializer(many=True)
    blocking = serializers.BooleanField()


class CaptionCheckViewSet(OrgScopedViewSet):
    model = GuidelineRule
    capabilities = {"check": ANY_MEMBER}
    serializer_class = CaptionCheckSerializer
    pagination_class = None

    @extend_schema(request=CaptionCheckSerializer, responses=CaptionCheckResultSerializer)
    def check(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Check a caption against the organization's rules (and the network's length).
        POST a JSON body; GET with ``text`` and ``network`` query parameters also works."""
        data = request.query_params if request.method == "GET" else request.data
        serializer = CaptionCheckSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        text = serializer.validated_data["text"]
        findings = check_caption(
            self.organization, serializer.validated_data.get("network") or None, text
        )
        return Response(
            {"findings": [f.as_dict(text) for f in findings], "blocking": has_blocking(findings)}
        )


# --- Documents -------------------------------------------------------------------


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
                "published_at": serializers.DateTimeField().to_representation(
                    document.published_at
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
        return services.policy_document_create(
            organization=self.context["organization"],
            actor=self.context["request"].user,
            **validated_data,
        )

    def update(self, instance: PolicyDocument, validated_data: dict[str, Any]) -> PolicyDocument:
        return services.policy_document_update(
            document=instance,
            actor=self.context["request"].user,
            title=validated_data.get("title", instance.title),
            contact_name=validated_data.get("contact_name", instance.contact_name),
            contact_email=validated_data.get("contact_email", instance.contact_email),
        )


class DraftSerializer(serializers.Serializer):
    body_markdown = serializers.CharField(allow_blank=True, trim_whitespace=False)


class PublishSerializer(serializers.Serializer):
    requires_reacknowledgement = serializers.BooleanField(default=False)


class AcknowledgementStatusSerializer(serializers.Serializer):
    required = serializers.BooleanField()
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
            return Response(
                {"errors": {"document": ["This document is not published."]}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        ack = services.policy_acknowledge(membership=self.membership, version=version)
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
            document=document,
            actor=request.user,
            body_markdown=serializer.validated_data["body_markdown"],
        )
        return Response(PolicyVersionSerializer(version).data)


class PolicyVersionViewSet(OrgScopedViewSet):
    """Versions of one document (admins)."""

    model = PolicyVersion
    lookup_url_kwarg = "version_id"
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
    def publish(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        version = self.get_object()
        serializer = PublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = services.policy_version_publish(
            version=version,
            actor=request.user,
            requires_reacknowledgement=serializer.validated_data["requires_reacknowledgement"],
        )
        return Response(PolicyVersionSerializer(version).data)


# --- Rules -----------------------------------------------------------------------


class GuidelineRuleSerializer(serializers.ModelSerializer):
    networks = serializers.ListField(
        child=serializers.ChoiceField(choices=Network.choices), required=False, allow_empty=True
    )

    class Meta:
        model = GuidelineRule
        fields = (
            "id",
            "kind",
            "networks",
            "pattern",
            "replacement",
            "max_length",
            "severity",
            "message",
            "is_active",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "created_at", "updated_at")

    def create(self, validated_data: dict[str, Any]) -> GuidelineRule:
        is_active = validated_data.pop("is_active", True)
        rule = services.guideline_rule_create(
            organization=self.context["organization"],
            actor=self.context["request"].user,
            **validated_data,
        )
        if not is_active:
            rule = services.guideline_rule_set_active(
                rule=rule, actor=self.context["request"].user, is_active=False
            )
        return rule

    def update(self, instance: GuidelineRule, validated_data: dict[str, Any]) -> GuidelineRule:
        return services.guideline_rule_update(
            rule=instance, actor=self.context["request"].user, **validated_data
        )


class GuidelineRuleViewSet(OrgScopedViewSet):
    """Caption rules (admins). Bad regular expressions answer 400 with a field error."""

    model = GuidelineRule
    queryset = GuidelineRule.objects.none()  # only tells the schema the model; see get_queryset
    lookup_url_kwarg = "rule_id"
    lookup_value_regex = "[0-9]+"
    serializer_class = GuidelineRuleSerializer
    capabilities = {
        "list": MANAGE,
        "retrieve": MANAGE,
        "create": MANAGE,
        "update": MANAGE,
        "partial_update": MANAGE,
        "destroy": MANAGE,
    }

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = serializer.save()
        return Response(self.get_serializer(rule).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        rule = serializer.save()
        return Response(self.get_serializer(rule).data)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.guideline_rule_delete(rule=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
