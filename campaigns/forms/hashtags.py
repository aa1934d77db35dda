"""Forms of hashtag tracking: the mentions page's paging parameter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class MentionsPageForm(forms.Form):
    """``?before=<id>``: the next page of mentions (a bad value is a 400 with a message)."""

    before = forms.IntegerField(
        label=_("Older than"), required=False, min_value=1, max_value=2**63 - 1
    )
