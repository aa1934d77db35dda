"""Forms of leaderboards: the organization's public switch and a member's anonymity."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class BoardsSettingsForm(forms.Form):
    public_leaderboards = forms.BooleanField(
        label=_("Employees see the leaderboards"),
        required=False,
        help_text=_(
            "Off: employees see only their own rank; managers and HR still see every board."
        ),
    )


class BoardAnonymityForm(forms.Form):
    anonymous = forms.BooleanField(
        label=_("Appear anonymously on leaderboards"),
        required=False,
        help_text=_(
            "Colleagues, managers included, see “a colleague in <your department>” instead of "
            "your name. You still see yourself."
        ),
    )
