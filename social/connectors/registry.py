"""Which connector speaks for a network account, and what the connectors declare.

Every question "how does Chorus post to this network?" is answered here from the connector
classes' declarations (``posting``, ``account_kinds``, ``requires_image``, ...): which networks
a member connects (those with an API connector), which are shared through a dialog or an
intent, which account kinds Chorus posts as. Nothing else keeps its own list.
"""

from __future__ import annotations

from functools import cache

from .base import Connector, Posting
from .dialog import DialogConnector, FacebookDialogConnector, XDialogConnector
from .facebook import FacebookPageConnector
from .instagram import InstagramConnector
from .linkedin import LinkedInConnector

#: Every connector, in the order networks are offered (API connectors, then dialogs).
CONNECTOR_CLASSES: tuple[type[Connector], ...] = (
    LinkedInConnector,
    InstagramConnector,
    FacebookPageConnector,
    FacebookDialogConnector,
    XDialogConnector,
)


@cache
def _instance(cls: type[Connector]) -> Connector:
    return cls()


def connector_for(network: str, account_kind: str = "member") -> Connector:
    """The connector for an account of ``account_kind`` on ``network``: the API connector that
    posts as that kind, else the network's dialog (Facebook profiles, X), else its API one.

    Connectors hold no per-account state (settings are read at call time), so one instance per
    class is shared.
    """
    of_network = [cls for cls in CONNECTOR_CLASSES if cls.network == network]
    if not of_network:
        raise LookupError(f"no connector for network {network!r}")
    for cls in of_network:
        if cls.posting == Posting.API and account_kind in cls.account_kinds:
            return _instance(cls)
    dialogs = [cls for cls in of_network if cls.posting != Posting.API]
    return _instance((dialogs or of_network)[0])


def supports_api_posting(network: str, account_kind: str = "member") -> bool:
    return connector_for(network, account_kind).supports_api_posting


def api_networks() -> tuple[str, ...]:
    """Networks Chorus posts to as a linked account: the ones a member connects (OAuth)."""
    return tuple(dict.fromkeys(c.network for c in CONNECTOR_CLASSES if c.posting == Posting.API))


def api_account_kinds(network: str) -> frozenset[str]:
    """The account kinds Chorus can post as on ``network`` (empty: none)."""
    kinds: frozenset[str] = frozenset()
    for cls in CONNECTOR_CLASSES:
        if cls.network == network and cls.posting == Posting.API:
            kinds |= cls.account_kinds
    return kinds


def dialog_connectors() -> tuple[DialogConnector, ...]:
    """The networks the member shares to in the network's own dialog or intent."""
    return tuple(
        _instance(cls)  # type: ignore[misc]
        for cls in CONNECTOR_CLASSES
        if cls.posting != Posting.API
    )


def dialog_networks() -> tuple[str, ...]:
    return tuple(c.network for c in dialog_connectors())


def dialog_connector(network: str) -> DialogConnector | None:
    return next((c for c in dialog_connectors() if c.network == network), None)


def requires_image(network: str) -> bool:
    return any(cls.requires_image for cls in CONNECTOR_CLASSES if cls.network == network)


def link_in_caption(network: str) -> bool:
    return any(cls.link_in_caption for cls in CONNECTOR_CLASSES if cls.network == network)
