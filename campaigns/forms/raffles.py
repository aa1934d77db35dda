"""Forms of raffles: create one, and draw one (with an optional public value)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from advocacy.models import Organization

from ..models import Campaign, CampaignStatus
from ..services.raffles import MAX_MIN_SHARES, MAX_WINNERS, PUBLIC_VALUE_MAX


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


#: Campaigns a raffle can be attached to: not finished yet.
RAFFLE_CAMPAIGN_STATES = (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED, CampaignStatus.LIVE)


class RaffleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    prize = forms.CharField(label=_("Prize"), max_length=300)
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("No campaign: a period"),
        help_text=_("Members who shared the campaign's content while it was live can win."),
    )
    period_start = forms.DateTimeField(
        label=_("Period start"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("Without a campaign: shares published in this period count."),
    )
    period_end = forms.DateTimeField(
        label=_("Period end"), required=False, widget=DateTimeLocalInput()
    )
    winners_count = forms.IntegerField(
        label=_("Number of winners"), min_value=1, max_value=MAX_WINNERS, initial=1
    )
    min_shares = forms.IntegerField(
        label=_("Shares needed to enter"),
        min_value=1,
        max_value=MAX_MIN_SHARES,
        initial=1,
        help_text=_("Published shares a member needs to be in the draw."),
    )
    entry_per_share = forms.BooleanField(
        label=_("One entry per share"),
        required=False,
        help_text=_("Off: every eligible member has one entry. On: each counted share is one."),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes"),
        widget=DateTimeLocalInput(),
        help_text=_("The entry list is frozen and published at this time."),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["campaign"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Campaign.objects.for_org(organization)
            .filter(status__in=RAFFLE_CAMPAIGN_STATES)
            .order_by("-starts_at", "-id")
        )


class RaffleDrawForm(forms.Form):
    public_value = forms.CharField(
        label=_("Public value (optional)"),
        max_length=PUBLIC_VALUE_MAX,
        required=False,
        help_text=_(
            "A value nobody knew when the list was frozen and anyone can look up, such as "
            "a lottery's winning numbers or a public randomness beacon's round and output. "
            "It goes into the draw, so not even Chorus could know the winners in advance."
        ),
    )
