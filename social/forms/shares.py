"""Forms of the sharing pages: the composer (one caption field per possible target)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..services.compose import (
    WHEN_NOW,
    WHEN_SCHEDULE,
    WHEN_SUGGESTED,
    ComposerTarget,
    organization_zone,
)


def caption_field_name(target: ComposerTarget) -> str:
    return f"caption-{target.key}"


class ComposeForm(forms.Form):
    """Targets are chosen with ``target`` checkboxes (``account-<id>``/``dialog-<network>``);
    each has a ``caption-<key>`` textarea. ``share_all`` shares to every available target
    with its caption. The form only reads input: which targets, captions and time apply is
    ``social.services.compose.share_compose``'s to decide."""

    target = forms.MultipleChoiceField(
        label=_("Networks"), required=False, widget=forms.CheckboxSelectMultiple
    )
    when = forms.ChoiceField(
        label=_("When"),
        choices=[
            (WHEN_NOW, _("Share now")),
            (WHEN_SCHEDULE, pgettext_lazy("share at a chosen time", "Schedule")),
            (WHEN_SUGGESTED, _("At my suggested time")),
        ],
        initial=WHEN_NOW,
        widget=forms.RadioSelect,
    )
    scheduled_at = forms.DateTimeField(
        label=_("Date and time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    share_all = forms.BooleanField(required=False)

    def __init__(self, *args: Any, targets: list[ComposerTarget], organization: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.targets = targets
        self.zone = organization_zone(organization)
        target = cast(forms.ChoiceField, self.fields["target"])  # a choice field, declared above
        target.choices = [(t.key, t.label) for t in targets if t.available]
        for t in targets:
            self.fields[caption_field_name(t)] = forms.CharField(
                label=_("Caption"), required=False, strip=False, initial=t.caption
            )

    def clean_scheduled_at(self) -> datetime | None:
        value = self.cleaned_data.get("scheduled_at")
        if value is None:
            return None
        if timezone.is_naive(value):
            value = timezone.make_aware(value.replace(tzinfo=None), self.zone)
        return value

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())  # Form.clean returns cleaned_data
        if data.get("when") == WHEN_SCHEDULE and not data.get("scheduled_at"):
            self.add_error("scheduled_at", _("Choose the date and time to share at."))
        return data

    def captions(self) -> dict[str, str]:
        """The captions the member sent, by target key (a missing one means "the default")."""
        return {
            t.key: self.cleaned_data.get(caption_field_name(t)) or ""
            for t in self.targets
            if caption_field_name(t) in self.data
        }
