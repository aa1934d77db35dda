"""The network policy form of the connection-health page (one row per connectable network)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from advocacy.networks import Network

from ..models import NetworkPolicy
from ..services.accounts import CONNECTABLE_NETWORKS


class NetworkPolicyForm(forms.Form):
    """``<network>_allowed`` and ``<network>_required`` per network."""

    def __init__(self, *args: Any, policies: dict[str, NetworkPolicy], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for network in CONNECTABLE_NETWORKS:
            label = Network(network).label
            policy = policies.get(network)
            self.fields[f"{network}_allowed"] = forms.BooleanField(
                label=_("%(network)s allowed") % {"network": label},
                required=False,
                initial=policy.allowed if policy else True,
            )
            self.fields[f"{network}_required"] = forms.BooleanField(
                label=_("%(network)s required") % {"network": label},
                required=False,
                initial=policy.required if policy else False,
            )

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())  # Form.clean returns cleaned_data
        for network in CONNECTABLE_NETWORKS:
            if data.get(f"{network}_required") and not data.get(f"{network}_allowed"):
                self.add_error(
                    f"{network}_required",
                    ValidationError(_("A network that is not allowed cannot be required.")),
                )
        return data

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "network": network,
                "label": Network(network).label,
                "allowed": self[f"{network}_allowed"],
                "required": self[f"{network}_required"],
            }
            for network in CONNECTABLE_NETWORKS
        ]

    def policy_values(self) -> dict[str, tuple[bool, bool]]:
        """network -> (required, allowed) from cleaned data."""
        return {
            network: (
                bool(self.cleaned_data.get(f"{network}_required")),
                bool(self.cleaned_data.get(f"{network}_allowed")),
            )
            for network in CONNECTABLE_NETWORKS
        }
