"""Forms of points: a rule's new values, the member's board anonymity, the ledger filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from advocacy.models import Membership, Organization

from ..models import EARNING_ACTIONS, Campaign, PointsAction
from ..services.points import MAX_CAP, MAX_POINTS


class PointsRuleForm(forms.Form):
    """New values for one action, in force from the moment they are saved."""

    action = forms.ChoiceField(
        label=_("Action"), choices=[(a.value, a.label) for a in EARNING_ACTIONS]
    )
    points = forms.IntegerField(label=_("Points"), min_value=0, max_value=MAX_POINTS)
    daily_cap = forms.IntegerField(
        label=_("Daily limit per member"),
        min_value=1,
        max_value=MAX_CAP,
        required=False,
        help_text=_("Empty: no daily limit."),
    )
    per_share_cap = forms.IntegerField(
        label=_("Limit per share"),
        min_value=1,
        max_value=MAX_CAP,
        required=False,
        help_text=_("Clicks and engagement only. Empty: no limit."),
    )


class AnonymityForm(forms.Form):
    anonymous_on_boards = forms.BooleanField(
        label=_("Appear anonymously on leaderboards"), required=False
    )


#: Up to this many members, the ledger filter lists them all.
MEMBER_CHOICES = 300


class LedgerFilterForm(forms.Form):
    """The managers' ledger filter: member, action, campaign, each within the organization."""

    member = forms.TypedChoiceField(label=_("Member"), required=False, coerce=int, empty_value=None)
    action = forms.ChoiceField(label=_("Action"), required=False)
    campaign = forms.TypedChoiceField(
        label=_("Campaign"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = Membership.objects.for_org(organization).select_related("user")
        listed = list(members.order_by("user__name", "pk")[: MEMBER_CHOICES + 1])
        if len(listed) > MEMBER_CHOICES:
            # A large organization: the list offers the member asked for (a member's name in
            # the ledger links here), not thousands of options.
            wanted = str(self.data.get("member") or "") if self.is_bound else ""
            listed = list(members.filter(pk=int(wanted))) if wanted.isdigit() else []
        self.fields["member"].choices = [  # type: ignore[attr-defined]
            ("", _("Everyone")),
            *((m.pk, str(m.user)) for m in listed),
        ]
        self.fields["action"].choices = [  # type: ignore[attr-defined]
            ("", _("All actions")),
            *PointsAction.choices,
        ]
        campaigns = Campaign.objects.for_org(organization).order_by("-starts_at", "-pk")
        self.fields["campaign"].choices = [  # type: ignore[attr-defined]
            ("", _("All campaigns")),
            *((c.pk, c.name) for c in campaigns.only("pk", "name")),
        ]
