"""Which connector speaks for a network account: ``connector_for(network, account_kind)``."""

from __future__ import annotations

from functools import cache

from advocacy.networks import Network

from ..models import AccountKind
from .base import Connector
from .dialog import FacebookDialogConnector, XDialogConnector
from .facebook import FacebookPageConnector
from .instagram import InstagramConnector
from .linkedin import LinkedInConnector


@cache
def _connector(name: str) -> Connector:
    classes: dict[str, type[Connector]] = {
        "linkedin": LinkedInConnector,
        "instagram": InstagramConnector,
        "facebook_page": FacebookPageConnector,
        "facebook_dialog": FacebookDialogConnector,
        "x_dialog": XDialogConnector,
    }
    return classes[name]()


def connector_for(network: str, account_kind: str = AccountKind.MEMBER) -> Connector:
    """The connector for ``network``; Facebook pages post by API, Facebook profiles and X by dialog.

    Connectors hold no per-account state (settings are read at call time), so one instance per
    kind is shared.
    """
    if network == Network.LINKEDIN:
        return _connector("linkedin")
    if network == Network.INSTAGRAM:
        return _connector("instagram")
    if network == Network.FACEBOOK:
        return _connector(
            "facebook_page" if account_kind == AccountKind.PAGE else "facebook_dialog"
        )
    if network == Network.X:
        return _connector("x_dialog")
    raise LookupError(f"no connector for network {network!r}")


def supports_api_posting(network: str, account_kind: str = AccountKind.MEMBER) -> bool:
    return connector_for(network, account_kind).supports_api_posting
