"""Forms of the rewards pages. They only shape input; the services decide."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from content_library.validators import inspect_image

from ..models import RedemptionStatus, Reward
from ..services.rewards import MAX_COST, MAX_STOCK, NOTE_MAX


class RewardForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    cost = forms.IntegerField(
        label=_("Cost in points"),
        min_value=1,
        max_value=MAX_COST,
        help_text=_("Spendable points a request takes. Lifetime points (the rank) never drop."),
    )
    stock = forms.IntegerField(
        label=_("In stock"),
        required=False,
        min_value=0,
        max_value=MAX_STOCK,
        help_text=_("How many can still be requested. Leave empty for unlimited."),
    )
    image = forms.FileField(
        label=_("Image"), required=False, help_text=_("JPEG, PNG, GIF or WebP.")
    )
    image_alt_text = forms.CharField(
        label=_("Image description for screen readers"), required=False, max_length=300
    )
    remove_image = forms.BooleanField(label=_("Remove the image"), required=False)
    # The stock when the form was shown: a stock the manager left alone is not written back,
    # so units members took meanwhile are not handed out again.
    stock_seen = forms.CharField(required=False, widget=forms.HiddenInput)
    is_active = forms.BooleanField(
        label=_("Offered in the catalogue"),
        required=False,
        initial=True,
        help_text=_("Off: nobody can request it; requests already made stay as they are."),
    )

    def __init__(self, *args: Any, reward: Reward | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if reward is None or not reward.image:
            del self.fields["remove_image"]

    @classmethod
    def initial_for(cls, reward: Reward) -> dict[str, Any]:
        return {
            "name": reward.name,
            "description": reward.description,
            "cost": reward.cost,
            "stock": reward.stock,
            "stock_seen": "" if reward.stock is None else str(reward.stock),
            "image_alt_text": reward.image_alt_text,
            "is_active": reward.is_active,
        }

    def clean_image(self) -> Any:
        upload = self.cleaned_data.get("image")
        if upload:
            inspect_image(upload)
        return upload

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        out = {
            "name": d["name"],
            "description": d.get("description") or "",
            "cost": d["cost"],
            "stock": d.get("stock"),
            "image_alt_text": d.get("image_alt_text") or "",
            "is_active": bool(d.get("is_active")),
        }
        if d.get("image"):
            out["image"] = d["image"]
        if self.stock_untouched():
            del out["stock"]
        return out

    def stock_untouched(self) -> bool:
        """On the edit form: the manager left the stock as it was shown."""
        if "stock_seen" not in self.data:
            return False
        stock = self.cleaned_data.get("stock")
        return (self.data.get("stock_seen") or "") == ("" if stock is None else str(stock))


class RedeemForm(forms.Form):
    """The catalogue card's button. ``request_key`` is a fresh token per page view, so a
    double click (or a resent POST) finds the first request instead of making a second."""

    request_key = forms.CharField(max_length=64, widget=forms.HiddenInput)

    @staticmethod
    def new_key() -> str:
        return uuid.uuid4().hex


class DecisionForm(forms.Form):
    """A manager's decision on one request: approve, reject (with a reason) or fulfil."""

    APPROVE, REJECT, FULFIL = "approve", "reject", "fulfil"
    decision = forms.ChoiceField(
        choices=[(APPROVE, _("Approve")), (REJECT, _("Reject")), (FULFIL, _("Mark fulfilled"))]
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX,
        help_text=_("The colleague reads it. A reason is needed to reject."),
    )


class RedemptionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *RedemptionStatus.choices],
    )
