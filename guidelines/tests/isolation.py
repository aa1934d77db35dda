"""Isolation-walker registry for the guidelines routes (see advocacy/tests/isolation.py)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from PIL import Image

from guidelines.models import (
    DocumentKind,
    GuidelineRule,
    PolicyDocument,
    PolicyImage,
    PolicyVersion,
    RuleKind,
)


def _document(t: Any) -> PolicyDocument:
    document, _ = PolicyDocument.objects.get_or_create(
        organization=t.org,
        slug="social-media-policy",
        defaults={"kind": DocumentKind.POLICY, "title": "Social-media policy"},
    )
    return document


def _version(t: Any) -> PolicyVersion:
    version, _ = PolicyVersion.objects.get_or_create(
        organization=t.org,
        document=_document(t),
        number=1,
        defaults={"body_markdown": "Be kind."},
    )
    return version


def _rule(t: Any) -> GuidelineRule:
    rule, _ = GuidelineRule.objects.get_or_create(
        organization=t.org, kind=RuleKind.BANNED_TERM, pattern="secret"
    )
    return rule


def _image(t: Any) -> PolicyImage:
    existing = PolicyImage.objects.filter(organization=t.org, document=_document(t)).first()
    if existing is not None:
        return existing
    buf = io.BytesIO()
    Image.new("RGB", (2, 2), "red").save(buf, "PNG")
    image = PolicyImage(organization=t.org, document=_document(t), extension="png", size=1)
    image.image.save("x.png", ContentFile(buf.getvalue()), save=False)
    image.save()
    return image


KWARG_FACTORIES: dict[str, Callable[[Any], Any]] = {
    "document_id": lambda t: _document(t).pk,
    "version_id": lambda t: _version(t).pk,
    "rule_id": lambda t: _rule(t).pk,
    "image_id": lambda t: _image(t).pk,
}
