"""The campaign form: what a manager types; the service checks and saves it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocacy.models import Department, Organization, Role
from content_library.models import ContentItem, Status

from ..models import Campaign, GoalMetric
from ..selectors.campaigns import campaign_item_ids, organization_zone
from ..services.campaigns import campaign_audience_values

_DATETIME = {
    "widget": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    "input_formats": ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
}


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    description = forms.CharField(
        label=_("Brief"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the campaign is about and how to take part. Markdown is allowed."),
    )
    hashtags = forms.CharField(
        label=_("Hashtags"),
        max_length=600,
        help_text=_("One or more, separated by spaces, e.g. #ToBeAPartner #Careers."),
    )
    cover_image = forms.FileField(label=_("Cover image"), required=False)
    cover_alt_text = forms.CharField(
        label=_("Description of the cover for screen readers"), required=False, max_length=300
    )
    remove_cover = forms.BooleanField(label=_("Remove the cover image"), required=False)
    goal_metric = forms.ChoiceField(label=_("Goal"), choices=GoalMetric.choices)
    goal_target = forms.IntegerField(label=_("Target"), min_value=1, max_value=2_000_000_000)
    starts_at = forms.DateTimeField(label=_("Starts"), **_DATETIME)  # type: ignore[arg-type]
    ends_at = forms.DateTimeField(label=_("Ends"), **_DATETIME)  # type: ignore[arg-type]
    items = forms.ModelMultipleChoiceField(
        label=_("Content to share"),
        queryset=ContentItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Approved items of the library."),
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    locations = forms.CharField(
        label=_("Locations"),
        required=False,
        max_length=1000,
        help_text=_("Comma-separated; empty means every location."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    points_multiplier = forms.DecimalField(
        label=_("Points multiplier"),
        min_value=0,
        max_value=10,
        decimal_places=2,
        max_digits=4,
        initial=1,
        help_text=_("Points for shares of this campaign's content are multiplied by this."),
    )
    prize = forms.CharField(label=_("Prize"), required=False, max_length=300)

    def __init__(
        self,
        *args: Any,
        organization: Organization,
        campaign: Campaign | None = None,
        **kwargs: Any,
    ) -> None:
        self.zone: ZoneInfo = organization_zone(organization)
        if campaign is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(campaign)
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = (  # type: ignore[attr-defined]
            ContentItem.objects.for_org(organization)
            .filter(status=Status.APPROVED)
            .order_by("-feed_at", "-id")
        )
        self.fields["departments"].queryset = Department.objects.for_org(  # type: ignore[attr-defined]
            organization
        ).order_by("name")
        if campaign is None or not campaign.cover_image:
            del self.fields["remove_cover"]

    def initial_for(self, campaign: Campaign) -> dict[str, Any]:
        audience = campaign_audience_values(campaign)
        return {
            "name": campaign.name,
            "description": campaign.description,
            "hashtags": " ".join(f"#{t}" for t in campaign.hashtags),
            "cover_alt_text": campaign.cover_alt_text,
            "goal_metric": campaign.goal_metric,
            "goal_target": campaign.goal_target,
            "starts_at": timezone.localtime(campaign.starts_at, self.zone).replace(tzinfo=None),
            "ends_at": timezone.localtime(campaign.ends_at, self.zone).replace(tzinfo=None),
            "items": campaign_item_ids(campaign),
            "departments": audience.departments,
            "locations": ", ".join(audience.locations),
            "roles": audience.roles,
            "points_multiplier": campaign.points_multiplier,
            "prize": campaign.prize,
        }

    def _in_zone(self, name: str) -> datetime | None:
        value = self.cleaned_data.get(name)
        if value is None:
            return None
        # The page shows times in the organization's zone: read them in it.
        return timezone.make_aware(value.replace(tzinfo=None), self.zone)

    def clean_starts_at(self) -> datetime | None:
        return self._in_zone("starts_at")

    def clean_ends_at(self) -> datetime | None:
        return self._in_zone("ends_at")

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "hashtags": data["hashtags"],
            "cover_image": data.get("cover_image"),
            "cover_alt_text": data["cover_alt_text"],
            "goal_metric": data["goal_metric"],
            "goal_target": data["goal_target"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "items": list(data["items"]),
            "departments": list(data["departments"]),
            "locations": [s for s in data["locations"].split(",") if s.strip()],
            "roles": data["roles"],
            "points_multiplier": data["points_multiplier"],
            "prize": data["prize"],
        }


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All but archived"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from ..models import CampaignStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", _("All but archived")),
            *CampaignStatus.choices,
        ]
