"""Forms of the library pages. They only shape input; services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from advocacy.models import Department, Organization, Role
from advocacy.networks import Network

from .models import Category, ContentImage, ContentItem, Kind, SuggestionKind, Topic
from .services.item_parts import CaptionInput
from .validators import inspect_image

CAPTION_SEPARATOR = "---"


def split_alternatives(text: str) -> list[str]:
    """Alternatives are separated by a line holding only ``---``."""
    parts: list[str] = []
    current: list[str] = []
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        if line.strip() == CAPTION_SEPARATOR:
            parts.append("\n".join(current))
            current = []
        else:
            current.append(line)
    parts.append("\n".join(current))
    return [p.strip() for p in parts if p.strip()]


def join_alternatives(texts: list[str]) -> str:
    return f"\n{CAPTION_SEPARATOR}\n".join(texts)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _validated_image(upload: Any) -> Any:
    if upload:
        inspect_image(upload)
    return upload


class ContentItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    url = forms.URLField(
        label=_("Link"),
        max_length=2000,
        required=False,
        assume_scheme="https",
        help_text=_("For link and video items. The preview is fetched automatically."),
    )
    body = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    is_company_content = forms.BooleanField(
        label=_("Company content (off for industry and expertise content)"), required=False
    )
    captions_editable = forms.BooleanField(
        label=_("Employees may edit the captions"), required=False
    )
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("Leave empty to publish as soon as it is approved."),
    )
    expires_at = forms.DateTimeField(
        label=_("Expires at"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("Leaves the feed on its own at this time."),
    )
    is_pinned = forms.BooleanField(label=_("Pinned to the top of the feed"), required=False)
    priority = forms.IntegerField(label=_("Priority"), initial=0, min_value=-100, max_value=100)
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every department."),
    )
    locations = forms.CharField(
        label=_("Locations"),
        required=False,
        help_text=_("Comma-separated, e.g. Vilnius, Tallinn. Empty: every location."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every role."),
    )
    image = forms.FileField(label=_("Add an image"), required=False)
    image_alt = forms.CharField(
        label=_("Image description for screen readers"), required=False, max_length=300
    )
    remove_images = forms.ModelMultipleChoiceField(
        label=_("Remove images"),
        queryset=ContentImage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, organization: Organization, item: ContentItem | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.item = item
        # These three are model multiple-choice fields (many-to-many or declared above).
        cast(
            forms.ModelMultipleChoiceField, self.fields["topics"]
        ).queryset = Topic.objects.for_org(organization)
        cast(
            forms.ModelMultipleChoiceField, self.fields["departments"]
        ).queryset = Department.objects.for_org(organization)
        if item is not None:
            cast(
                forms.ModelMultipleChoiceField, self.fields["remove_images"]
            ).queryset = ContentImage.objects.for_org(organization).filter(item=item)
        else:
            del self.fields["remove_images"]
        for net in Network:
            self.fields[f"captions_{net.value}"] = forms.CharField(
                label=_("%(network)s captions") % {"network": net.label},
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_("Several alternatives: separate them with a line holding only ---."),
            )

    def caption_field_names(self) -> list[str]:
        return [f"captions_{net.value}" for net in Network]

    def clean_image(self) -> Any:
        return _validated_image(self.cleaned_data.get("image"))

    def captions(self) -> list[CaptionInput]:
        out = []
        for net in Network:
            for text in split_alternatives(self.cleaned_data.get(f"captions_{net.value}", "")):
                out.append(CaptionInput(network=net.value, text=text))
        return out

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        kwargs = {
            k: d[k]
            for k in (
                "kind",
                "title",
                "body",
                "url",
                "category",
                "language",
                "is_company_content",
                "captions_editable",
                "publish_at",
                "expires_at",
                "is_pinned",
            )
        }
        kwargs["priority"] = d.get("priority") or 0
        kwargs["captions"] = self.captions()
        kwargs["topics"] = list(d["topics"])
        kwargs["departments"] = list(d["departments"])
        kwargs["locations"] = [
            x.strip() for x in (d.get("locations") or "").split(",") if x.strip()
        ]
        kwargs["roles"] = list(d["roles"])
        return kwargs

    @classmethod
    def initial_for(cls, item: ContentItem, audience: dict[str, list[Any]]) -> dict[str, Any]:
        initial: dict[str, Any] = {
            f: getattr(item, f)
            for f in (
                "kind",
                "title",
                "body",
                "url",
                "category",
                "language",
                "is_company_content",
                "captions_editable",
                "publish_at",
                "expires_at",
                "is_pinned",
                "priority",
            )
        }
        initial["topics"] = list(item.topics.all())
        initial["departments"] = audience["departments"]
        initial["locations"] = ", ".join(audience["locations"])
        initial["roles"] = audience["roles"]
        by_net: dict[str, list[str]] = {}
        for c in item.captions.all():
            by_net.setdefault(c.network, []).append(c.text)
        for net, texts in by_net.items():
            initial[f"captions_{net}"] = join_alternatives(texts)
        return initial


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("What should change?"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class SuggestionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you suggest?"),
        choices=SuggestionKind.choices,
        widget=forms.RadioSelect,
        initial=SuggestionKind.LINK,
    )
    url = forms.URLField(label=_("Link"), required=False, max_length=2000, assume_scheme="https")
    title = forms.CharField(label=_("Title (optional)"), required=False, max_length=200)
    text = forms.CharField(
        label=_("Your post"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    image = forms.FileField(label=_("Image (optional)"), required=False)
    note = forms.CharField(
        label=_("Note to the content team"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_image(self) -> Any:
        return _validated_image(self.cleaned_data.get("image"))


class SuggestionAcceptForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    is_company_content = forms.BooleanField(label=_("Company content"), required=False)
    caption = forms.CharField(
        label=_("LinkedIn caption"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    approve = forms.BooleanField(label=_("Approve it right away"), required=False)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the colleague sees it)"), widget=forms.Textarea(attrs={"rows": 2})
    )


class FeedSourceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    url = forms.URLField(
        label=_("Feed address (RSS or Atom)"), max_length=2000, assume_scheme="https"
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    category = forms.ChoiceField(
        label=_("Category"), choices=Category.choices, initial=Category.INDUSTRY
    )
    is_company_content = forms.BooleanField(label=_("Company content"), required=False)
    is_paused = forms.BooleanField(label=_("Paused"), required=False)


class TopicForm(forms.Form):
    name = forms.CharField(label=_("New topic"), max_length=80)


class LibrarySettingsForm(forms.Form):
    reapproval_on_edit = forms.BooleanField(
        label=_("Send approved items back to review when their content is edited"), required=False
    )
    require_second_reviewer = forms.BooleanField(
        label=_("Require a second reviewer: two colleagues approve each item"),
        help_text=_("The author of an item never approves it, whatever this says."),
        required=False,
    )
