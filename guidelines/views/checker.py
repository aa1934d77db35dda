"""The live caption checker's htmx endpoint."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from advocacy.networks import MAX_CAPTION_LENGTH

from ..checker import check_caption, has_blocking
from ..forms import CheckForm
from .base import GuidelinesPageView

_TARGET_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,99}$")


class CaptionCheckView(GuidelinesPageView):
    """htmx endpoint of ``guidelines/_caption_checker.html``: POST the caption (in ``text``
    or in the field named by ``field``) and ``network``; answers the findings partial."""

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        field_name = request.POST.get("field") or "text"
        data = {
            "text": request.POST.get(field_name, ""),
            "network": request.POST.get("network", ""),
        }
        form = CheckForm(data)
        if not form.is_valid():
            return HttpResponse(
                _("Choose a network and write a caption."), status=400, content_type="text/plain"
            )
        text = form.cleaned_data["text"]
        network = form.cleaned_data["network"] or None
        findings = check_caption(self.organization, network, text)
        target = request.POST.get("target", "")
        return render(
            request,
            "guidelines/_caption_findings.html",
            {
                "findings": [f.as_dict(text) for f in findings],
                "blocking": has_blocking(findings),
                "target": target if _TARGET_ID.match(target) else "",
                "length": len(text),
                "limit": MAX_CAPTION_LENGTH.get(network or ""),
            },
        )
