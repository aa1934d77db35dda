"""``check/``: a caption against the organization's rules (any member)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from advocacy.api.base import ANY_MEMBER, OrgScopedViewSet
from advocacy.networks import Network

from ..checker import check_caption, has_blocking
from ..models import GuidelineRule, RuleKind, Severity


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
