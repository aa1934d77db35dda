"""Where a member can share an item: their accounts, the dialog networks, and why not.

What each network takes (images only, a link, which account kinds Chorus posts as, which go
through a dialog) is read from the connectors' declarations (``social.connectors.registry``);
this module only applies them to an item, an account and the organization's policy.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from advocacy.models import Membership, Organization
from advocacy.networks import Network
from content_library.models import ContentItem, Kind

from ..connectors import registry
from ..models import AccountStatus, NetworkAccount, NetworkPolicy


def item_has_image(item: ContentItem) -> bool:
    """The item's own images or its link preview's image (for networks that post images only)."""
    return bool(list(item.images.all())) or bool(item.preview_image_url)


def network_refusal(*, item: ContentItem, network: str, dialog: bool) -> str:
    """Why ``item`` cannot go to ``network`` (empty when it can)."""
    label = Network(network).label
    if registry.requires_image(network) and not item_has_image(item):
        if item.kind == Kind.TEXT:
            return _("%(network)s publishes images only; this text item has no image.") % {
                "network": label
            }
        return _("%(network)s publishes images only; this link has no image to post.") % {
            "network": label
        }
    connector = registry.dialog_connector(network) if dialog else None
    if dialog and connector is None:
        return _("%(network)s is shared through a connected account, not a share dialog.") % {
            "network": label
        }
    if connector is not None and connector.requires_link and not item.url:
        return _("%(network)s's share dialog shares a link; this item has none.") % {
            "network": label
        }
    return ""


def disallowed_networks(*, organization: Organization) -> set[str]:
    return set(
        NetworkPolicy.objects.for_org(organization)
        .filter(allowed=False)
        .values_list("network", flat=True)
    )


def member_accounts(*, membership: Membership) -> list[NetworkAccount]:
    """The member's linked accounts (a person's, whichever organization), not disconnected."""
    return list(
        NetworkAccount.objects.filter(user_id=membership.user_id)
        .exclude(status=AccountStatus.DISCONNECTED)
        .order_by("network", "kind", "display_name", "id")
    )


def account_refusal(*, account: NetworkAccount, membership: Membership) -> str:
    """Why Chorus cannot post as ``account`` for this member (empty when it can)."""
    label = account.get_network_display()
    if account.user_id != membership.user_id:
        return _("Choose one of your own linked accounts.")
    kinds = registry.api_account_kinds(account.network)
    if not kinds:
        return _("Chorus cannot post to %(network)s yet; use its share dialog.") % {
            "network": label
        }
    if account.kind not in kinds:
        if registry.dialog_connector(account.network) is not None:
            return _("Apps cannot post to %(network)s personal profiles; use its share dialog.") % {
                "network": label
            }
        return _("Chorus cannot post as this kind of %(network)s account.") % {"network": label}
    if not account.is_usable:
        return _("Your %(network)s account needs reconnecting before you can share to it.") % {
            "network": label
        }
    return ""
