"""Forms about the person: self-service sign-up (with the organization it creates), the
profile and the language switch."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ..models import User

#: Each language in its own name, so that people find theirs whatever the interface shows.
LANGUAGE_NAMES_LOCAL: dict[str, str] = {
    "en": "English",
    "lt": "Lietuvių",
    "et": "Eesti",
    "ru": "Русский",
}


def language_choices() -> list[tuple[str, str]]:
    return [(code, LANGUAGE_NAMES_LOCAL.get(code, str(name))) for code, name in settings.LANGUAGES]


class SignupOrganizationForm(forms.Form):
    """allauth sign-up, extended: the person's name and the organization they create.

    Self-service sign-up always creates an organization with its creator as admin.
    Invited people never come here: the invitation page creates their account.
    """

    field_order = ["name", "email", "password1", "password2", "organization_name", "language"]

    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    organization_name = forms.CharField(
        label=_("Organization name"),
        max_length=200,
        help_text=_("The company or team that runs the advocacy program."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["language"]).choices = language_choices()  # declared
        self.fields["language"].initial = translation.get_language() or settings.LANGUAGE_CODE

    def clean_name(self) -> str:
        value = self.cleaned_data["name"].strip()
        if not value:
            raise forms.ValidationError(_("Tell us your name."))
        return value

    def clean_organization_name(self) -> str:
        value = self.cleaned_data["organization_name"].strip()
        if not value:
            raise forms.ValidationError(_("Name the organization you are creating."))
        return value

    def signup(self, request: Any, user: User) -> None:
        """Called by allauth once the user exists: name, language, and their new organization."""
        from ..services.organizations import organization_create

        user.name = self.cleaned_data["name"]
        user.language = self.cleaned_data.get("language") or ""
        user.save(update_fields=["name", "language"])
        organization_create(
            creator=user,
            name=self.cleaned_data["organization_name"],
            default_language=user.language or settings.LANGUAGE_CODE,
        )


class ProfileForm(forms.ModelForm):
    """What a person may change about themselves (e-mail and password have allauth's pages)."""

    language = forms.ChoiceField(label=_("Interface language"), choices=(), required=False)

    class Meta:
        model = User
        fields = ("name", "language")
        labels = {"name": _("Your name")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # User.language has choices: its form field is a ChoiceField.
        cast(forms.ChoiceField, self.fields["language"]).choices = [
            ("", _("Same as my browser")),
            *language_choices(),
        ]
        self.fields["name"].widget.attrs["autocomplete"] = "name"


class LanguageSwitchForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False)
