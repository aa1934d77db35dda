"""The department name form (create and rename)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
