"""Forms of the sharing pages: the composer (one caption field per possible target)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..selectors.shares import ComposerTarget, organization_zone
from ..services.shares import ShareTarget

WHEN_NOW = "now"
WHEN_SCHEDULE = "schedule"
WHEN_SUGGESTED = "suggested"


def caption_field_name(target: ComposerTarget) -> str:
    return f"caption-{target.key}"


class ComposeForm(forms.Form):
    """Targets are chosen with ``target`` checkboxes (``account-<id>``/``dialog-<network>``);
    each has a ``caption-<key>`` textarea. ``share_all`` shares to every available target
    with its caption. Service rules (guidelines, editability, networks) are checked by
    ``social.services.shares.share_create``, not here."""

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
        self.fields["target"].choices = [(t.key, t.label) for t in targets if t.available]
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
        data = super().clean()
        if data.get("when") == WHEN_SCHEDULE and not data.get("scheduled_at"):
            self.add_error("scheduled_at", _("Choose the date and time to share at."))
        chosen = self.chosen_targets(data)
        if not chosen:
            self.add_error("target", _("Choose at least one network to share to."))
        return data

    def chosen_targets(self, data: dict[str, Any] | None = None) -> list[ComposerTarget]:
        data = data if data is not None else self.cleaned_data
        if data.get("share_all"):
            return [t for t in self.targets if t.available]
        keys = set(data.get("target") or [])
        return [t for t in self.targets if t.key in keys and t.available]

    def share_targets(self) -> list[ShareTarget]:
        out = []
        for t in self.chosen_targets():
            name = caption_field_name(t)
            caption = self.cleaned_data.get(name) if name in self.data else t.caption
            if t.account is not None:
                out.append(ShareTarget(caption=caption, account=t.account))
            else:
                out.append(ShareTarget(caption=caption, network=t.network))
        return out
