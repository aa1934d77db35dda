"""Forms of the preferences pages: event x channel checkboxes, quiet hours, time zone."""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.utils.translation import gettext_lazy as _

from .events import EVENTS, MEMBER_CHANNELS, Event, chat_events
from .models import Channel, ChatKind, Weekday


def field_name(event: str, channel: str) -> str:
    return f"{event}__{channel}"


def _time_zone_choices() -> list[tuple[str, Any]]:
    return [("", _("The organization's time zone"))] + [
        (name, name) for name in sorted(available_timezones())
    ]


class _EventGridMixin:
    """One checkbox per event and channel; ``rows`` lays them out for the template."""

    fields: dict[str, Any]

    def add_grid(self, events: list[Event], initial: dict[str, dict[str, bool]]) -> None:
        self.events = events
        for event in events:
            for channel in MEMBER_CHANNELS:
                self.fields[field_name(event.kind, channel)] = forms.BooleanField(
                    required=False,
                    initial=initial.get(event.kind, {}).get(channel, False),
                    label=f"{event.label}: {Channel(channel).label}",
                )

    def rows(self) -> list[dict[str, Any]]:
        form: Any = self
        return [
            {
                "event": event,
                "fields": [form[field_name(event.kind, c)] for c in MEMBER_CHANNELS],
            }
            for event in self.events
        ]

    def grid(self) -> dict[str, dict[str, bool]]:
        data: Any = getattr(self, "cleaned_data", {})
        return {
            event.kind: {c: bool(data.get(field_name(event.kind, c))) for c in MEMBER_CHANNELS}
            for event in self.events
        }


class PreferencesForm(_EventGridMixin, forms.Form):
    quiet_start = forms.TimeField(
        label=_("Quiet hours from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_end = forms.TimeField(
        label=_("Quiet hours until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_disabled = forms.BooleanField(
        label=_("No quiet hours for me (even when the organization sets some)"), required=False
    )
    time_zone = forms.ChoiceField(label=_("My time zone"), required=False, choices=())

    def __init__(
        self, *args: Any, events: list[Event], channels: dict[str, dict[str, bool]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = _time_zone_choices()
        self.add_grid(events, channels)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("quiet_start")) != bool(data.get("quiet_end")):
            self.add_error("quiet_end", _("Give both the start and the end of quiet hours."))
        return data


class OrgSettingsForm(_EventGridMixin, forms.Form):
    quiet_start = PreferencesForm.base_fields["quiet_start"]
    quiet_end = PreferencesForm.base_fields["quiet_end"]
    digest_weekday = forms.TypedChoiceField(
        label=_("Weekly digest day"), choices=Weekday.choices, coerce=int
    )
    digest_hour = forms.IntegerField(
        label=_("Weekly digest hour (members' time zones)"), min_value=0, max_value=23
    )

    def __init__(self, *args: Any, channels: dict[str, dict[str, bool]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_grid(list(EVENTS.values()), channels)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("quiet_start")) != bool(data.get("quiet_end")):
            self.add_error("quiet_end", _("Give both the start and the end of quiet hours."))
        return data


class ChatChannelForm(forms.Form):
    kind = forms.ChoiceField(label=_("Platform"), choices=ChatKind.choices)
    name = forms.CharField(label=_("Channel name"), max_length=100)
    url = forms.CharField(
        label=_("Incoming webhook address"),
        max_length=2000,
        help_text=_(
            "Slack: an incoming webhook (https://hooks.slack.com/services/…). Teams: the "
            "address of a Workflows “When a Teams webhook request is received” flow."
        ),
        widget=forms.URLInput(attrs={"autocomplete": "off"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Post there"), widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(e.kind, e.label) for e in chat_events()]
        self.fields["events"].choices = choices  # type: ignore[attr-defined]
        self.fields["events"].initial = [k for k, _label in choices]
