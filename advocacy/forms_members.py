"""Forms of member administration: the members filter, the member editor, invitations,
the CSV import, departments, the audit-log filter and the invitation sign-up."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from .models import Department, Membership, Organization, Role, User
from .selectors import MEMBER_STATUSES, departments_of


class _OrgForm(forms.Form):
    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization


class MemberFilterForm(_OrgForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), required=False)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": _("Name or e-mail")})
        self.fields["role"].choices = [("", _("All roles")), *Role.choices]
        self.fields["department"].queryset = departments_of(organization=self.organization)
        self.fields["department"].empty_label = _("All departments")
        labels = {"active": _("Active"), "inactive": _("Deactivated"), "all": _("All")}
        self.fields["status"].choices = [(s, labels[s]) for s in MEMBER_STATUSES]

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
        self.fields["department"].queryset = departments_of(organization=organization)
        self.fields["department"].empty_label = _("No department")
        self.fields["language"].choices = [
            ("", _("Organization default")),
            *settings.LANGUAGES,
        ]

    def validate_unique(self) -> None:
        """The service checks uniqueness inside the organization, with a clear message."""

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class InviteForm(_OrgForm):
    emails = forms.CharField(
        label=_("E-mail addresses"),
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off"}),
        help_text=_("One or many, separated by new lines, commas or spaces."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EMPLOYEE)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_of(organization=self.organization)
        self.fields["department"].empty_label = _("No department")


class InvitationImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8, with a first line naming the columns: email, role, department, name "
            "(only email is required)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)


class AuditLogFilterForm(forms.Form):
    """The audit log's filter: a list of the known actions (translated labels), plus any
    other action this organization's log holds when it is asked for; anything else is a
    form error."""

    action = forms.ChoiceField(label=_("Action"), required=False)

    def __init__(self, *args: Any, organization: Any = None, **kwargs: Any) -> None:
        from .audit_sentences import action_choices

        super().__init__(*args, **kwargs)
        choices = [("", _("All actions")), *action_choices()]
        wanted = str(self.data.get("action", "") or "") if self.is_bound else ""
        known = {value for value, _label in choices}
        if wanted and wanted not in known and organization is not None and len(wanted) <= 64:
            from .models import AuditLogEntry

            if AuditLogEntry.objects.for_org(organization).filter(action=wanted).exists():
                choices.append((wanted, wanted))
        self.fields["action"].choices = choices


class InvitationSignupForm(forms.Form):
    """The account of a person who follows an invitation and has none yet."""

    name = forms.CharField(
        label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_name(self) -> str:
        value = self.cleaned_data["name"].strip()
        if not value:
            raise forms.ValidationError(_("Tell us your name."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            candidate = User(email=self.email, name=data.get("name", ""))
            try:
                password_validation.validate_password(p1, user=candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data
