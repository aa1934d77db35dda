"""The audit-log filter."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _


class AuditLogFilterForm(forms.Form):
    """The audit log's filter: a list of the known actions (translated labels), plus any
    other action this organization's log holds when it is asked for; anything else is a
    form error."""

    action = forms.ChoiceField(label=_("Action"), required=False)

    def __init__(self, *args: Any, organization: Any = None, **kwargs: Any) -> None:
        from ..audit_sentences import action_choices

        super().__init__(*args, **kwargs)
        choices = [("", _("All actions")), *action_choices()]
        wanted = str(self.data.get("action", "") or "") if self.is_bound else ""
        known = {value for value, _label in choices}
        if wanted and wanted not in known and organization is not None and len(wanted) <= 64:
            from ..models import AuditLogEntry

            if AuditLogEntry.objects.for_org(organization).filter(action=wanted).exists():
                choices.append((wanted, wanted))
        cast(forms.ChoiceField, self.fields["action"]).choices = choices  # declared a ChoiceField
