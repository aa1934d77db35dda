"""Forms of company-page amplification: the candidates' filters, the re-share form and the
page picker of a connection that found several pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from advocacy.models import Organization
from advocacy.networks import Network
from social.models import OrganizationAccount

from ..models import Campaign
from ..selectors.amplification import AMPLIFIABLE_NETWORKS, PERIODS, RANKINGS, CandidateFilters
from ..services.amplification import COMMENT_MAX_LENGTH

PERIOD_LABELS = {
    "7": _("Last 7 days"),
    "30": _("Last 30 days"),
    "90": _("Last 90 days"),
    "all": _("All time"),
}


class CandidateFilterForm(forms.Form):
    ranking = forms.ChoiceField(
        label=_("Rank by"),
        required=False,
        choices=[(key, label) for key, (label, _definition) in RANKINGS.items()],
    )
    network = forms.ChoiceField(label=_("Network"), required=False)
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), required=False, queryset=Campaign.objects.none()
    )
    period = forms.ChoiceField(
        label=_("Published"), required=False, choices=[(k, PERIOD_LABELS[k]) for k in PERIODS]
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        network_field: forms.ChoiceField = self.fields["network"]  # type: ignore[assignment]
        network_field.choices = [("", _("All networks"))] + [
            (n, Network(n).label) for n in AMPLIFIABLE_NETWORKS
        ]
        campaign_field: forms.ModelChoiceField = self.fields["campaign"]  # type: ignore[assignment]
        campaign_field.queryset = Campaign.objects.for_org(organization).order_by("-starts_at")
        campaign_field.empty_label = _("All campaigns")

    def filters(self) -> CandidateFilters:
        data = self.cleaned_data if self.is_valid() else {}
        campaign = data.get("campaign")
        return CandidateFilters(
            ranking=data.get("ranking") or "engagement",
            network=data.get("network") or "",
            campaign_id=campaign.pk if campaign is not None else None,
            period=data.get("period") or "30",
        )


class AmplifyForm(forms.Form):
    share = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    account = forms.ModelChoiceField(
        label=_("Company page"), queryset=OrganizationAccount.objects.none(), empty_label=None
    )
    comment = forms.CharField(
        label=_("Comment from the company"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown above the employee's post on the company page."),
    )

    def __init__(self, *args: Any, pages: list[OrganizationAccount], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["account"]  # type: ignore[assignment]
        field.queryset = OrganizationAccount.objects.filter(pk__in=[p.pk for p in pages])


class CompanyPagePickForm(forms.Form):
    page = forms.ChoiceField(label=_("Page"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ChoiceField = self.fields["page"]  # type: ignore[assignment]
        field.choices = choices
