"""Forms of the core."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class SignupOrganizationForm(forms.Form):
    """allauth sign-up, extended: the person's name and the organization they create.

    A visitor who signs up through an invitation joins that organization instead;
    then the organization name is not asked for.
    """

    name = forms.CharField(label=_("Your name"), max_length=150)
    organization_name = forms.CharField(
        label=_("Organization name"), max_length=200, required=False
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = getattr(self, "request", None)
        self.invitation_pending = bool(request and request.session.get("invitation_token"))

    def clean_organization_name(self) -> str:
        value = self.cleaned_data.get("organization_name", "").strip()
        if not value and not self.invitation_pending:
            raise forms.ValidationError(_("Name the organization you are creating."))
        return value

    def signup(self, request: Any, user: Any) -> None:
        from .services import organization_create

        user.name = self.cleaned_data["name"].strip()
        user.language = self.cleaned_data.get("language") or ""
        user.save(update_fields=["name", "language"])
        if self.cleaned_data.get("organization_name"):
            organization_create(
                creator=user,
                name=self.cleaned_data["organization_name"],
                default_language=user.language or settings.LANGUAGE_CODE,
            )
