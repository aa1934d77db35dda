"""Forms of the guidelines pages. They shape input; services enforce the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from advocacy.networks import Network

from .models import DocumentKind, GuidelineRule, RuleKind, Severity


class DocumentCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    contact_name = forms.CharField(label=_("Program contact"), max_length=150, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    body_markdown = forms.CharField(
        label=_("Text (Markdown)"), widget=forms.Textarea(attrs={"rows": 16}), required=False
    )


class DocumentEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    contact_name = forms.CharField(label=_("Program contact"), max_length=150, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    body_markdown = forms.CharField(
        label=_("Text (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 20}),
        required=False,
        help_text=_("Saving keeps a draft; publish it when it is ready."),
    )


class PublishForm(forms.Form):
    requires_reacknowledgement = forms.BooleanField(
        label=_("Everyone must accept this version again before their next share"),
        required=False,
    )


class ImageUploadForm(forms.Form):
    image = forms.FileField(
        label=_("Image"),
        help_text=_("PNG, JPEG, GIF or WebP, at most 5 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}
        ),
    )
    alt_text = forms.CharField(
        label=_("Description (alt text)"),
        max_length=300,
        required=False,
        help_text=_("What the image shows, for people who cannot see it."),
    )


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RuleKind.choices)
    networks = forms.MultipleChoiceField(
        label=_("Networks"),
        choices=Network.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for every network."),
    )
    pattern = forms.CharField(
        label=_("Term, text or pattern"),
        max_length=300,
        required=False,
        help_text=GuidelineRule._meta.get_field("pattern").help_text,
    )
    replacement = forms.CharField(
        label=_("Replacement"),
        max_length=300,
        required=False,
        help_text=_("For brand spellings: the right form, offered as a one-click fix."),
    )
    max_length = forms.IntegerField(label=_("Maximum length"), min_value=1, required=False)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    message = forms.CharField(
        label=_("Message"),
        max_length=300,
        required=False,
        help_text=_("Shown to the employee; leave empty for a standard message."),
    )

    @classmethod
    def for_rule(cls, rule: GuidelineRule, **kwargs: Any) -> RuleForm:
        initial = {
            "kind": rule.kind,
            "networks": rule.networks,
            "pattern": rule.pattern,
            "replacement": rule.replacement,
            "max_length": rule.max_length,
            "severity": rule.severity,
            "message": rule.message,
        }
        return cls(initial=initial, **kwargs)


class CheckForm(forms.Form):
    text = forms.CharField(required=False, strip=False, max_length=100_000)
    network = forms.ChoiceField(choices=[("", ""), *Network.choices], required=False)


class AcceptanceFilterForm(forms.Form):
    """The acceptance page's filter: everyone, those who accepted, those still pending."""

    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("", _("Everyone")), ("accepted", _("Accepted")), ("pending", _("Not yet"))],
    )
