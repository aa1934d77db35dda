"""Forms of member administration: the members filter and the member editor."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..models import Department, Membership, Organization, Role
from ..selectors import MEMBER_STATUSES, departments_of


class OrgForm(forms.Form):
    """A form whose choices come from one organization."""

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization


class MemberFilterForm(OrgForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), required=False)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": _("Name or e-mail")})
        # The fields as declared above (self.fields holds copies of them).
        cast(forms.ChoiceField, self.fields["role"]).choices = [("", _("All roles")), *Role.choices]
        department = cast(forms.ModelChoiceField, self.fields["department"])
        department.queryset = departments_of(organization=self.organization)
        department.empty_label = _("All departments")
        labels = {"active": _("Active"), "inactive": _("Deactivated"), "all": _("All")}
        status = cast(forms.ChoiceField, self.fields["status"])
        status.choices = [(s, labels[s]) for s in MEMBER_STATUSES]

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        department = data.get("department")
        return {
            "search": data.get("q", ""),
            "role": data.get("role", ""),
            "department_id": department.pk if department else None,
            "status": data.get("status") or "active",
        }


class MemberEditForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("role", "department", "location", "language", "job_title", "external_id")

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        # Membership.department is a ForeignKey and language a CharField with choices.
        department = cast(forms.ModelChoiceField, self.fields["department"])
        department.queryset = departments_of(organization=organization)
        department.empty_label = _("No department")
        cast(forms.ChoiceField, self.fields["language"]).choices = [
            ("", _("Organization default")),
            *settings.LANGUAGES,
        ]

    def validate_unique(self) -> None:
        """The service checks uniqueness inside the organization, with a clear message."""

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
