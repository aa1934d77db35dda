"""The audit-log filter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AuditLogFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), required=False, max_length=64)
