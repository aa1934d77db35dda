"""The rules a share must pass before anything is written (each a ``ValidationError`` the
member can act on): role, policy acceptance, the item, each target and its caption."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from advocacy.models import Membership
from advocacy.networks import Network
from advocacy.permissions import Capability, has_capability
from content_library.models import ContentItem
from content_library.selectors.visibility import item_visible_to

from ..selectors.targets import account_refusal, network_refusal
from .compose import ShareTarget, suggested_captions


def share_capability_require(membership: Membership) -> None:
    if not has_capability(membership, Capability.SHARE_CONTENT):
        raise PermissionDenied(_("Your role does not allow sharing."))


def share_policy_check(*, membership: Membership) -> None:
    """The social-media policy must be accepted before a share (ValidationError with its link)."""
    from guidelines.selectors import policy_acknowledgement_required

    version = policy_acknowledgement_required(membership=membership)
    if version is None:
        return
    url = reverse(
        "guidelines_document",
        kwargs={"org_slug": membership.organization.slug, "document_id": version.document_id},
    )
    if version.accepted_number is None:  # a first acceptance
        message = _("Before you share, please read and accept “%(title)s”: %(url)s") % {
            "title": version.document.title,
            "url": url,
        }
    else:  # the policy changed since the version the member accepted
        message = _(
            "“%(title)s” changed since you accepted version %(accepted)s: review version "
            "%(number)s and accept it before sharing: %(url)s"
        ) % {
            "title": version.document.title,
            "accepted": version.accepted_number,
            "number": version.number,
            "url": url,
        }
    raise ValidationError({"policy": [message]})


def item_check(membership: Membership, item: ContentItem) -> None:
    if item.organization_id != membership.organization_id or not item_visible_to(
        membership=membership, item=item
    ):
        raise ValidationError(
            {
                "item": [
                    _(
                        "This item cannot be shared: it is not approved, outside its sharing "
                        "window, or not meant for you."
                    )
                ]
            }
        )


def caption_check(*, membership: Membership, item: ContentItem, network: str, caption: str) -> None:
    """Caption rules for ``network``: editability and the organization's guidelines."""
    from guidelines.checker import check_caption

    label = Network(network).label
    if not item.captions_editable:
        suggestions = suggested_captions(item)
        allowed = suggestions.get(network) or [t for texts in suggestions.values() for t in texts]
        if allowed and caption.strip() not in {t.strip() for t in allowed}:
            raise ValidationError(
                {
                    "caption": [
                        _(
                            "%(network)s: this item's captions cannot be edited; choose one of "
                            "the suggested captions."
                        )
                        % {"network": label}
                    ]
                }
            )
    blocking = [
        f for f in check_caption(membership.organization, network, caption) if f.is_blocking
    ]
    if blocking:
        raise ValidationError(
            {
                "caption": [
                    _("%(network)s: %(finding)s") % {"network": label, "finding": f.message}
                    for f in blocking
                ]
            }
        )


def target_check(
    *, membership: Membership, item: ContentItem, target: ShareTarget, disallowed: set[str]
) -> None:
    network = target.target_network
    if network not in Network.values:
        raise ValidationError({"targets": [_("Choose a network Chorus knows.")]})
    label = Network(network).label
    if network in disallowed:
        raise ValidationError(
            {
                "targets": [
                    _("Your organization does not allow sharing to %(network)s.")
                    % {"network": label}
                ]
            }
        )
    if target.account is not None:
        refusal = account_refusal(account=target.account, membership=membership)
        if refusal:
            raise ValidationError({"targets": [refusal]})
    refusal = network_refusal(item=item, network=network, dialog=target.is_dialog)
    if refusal:
        raise ValidationError({"targets": [refusal]})
    caption_check(membership=membership, item=item, network=network, caption=target.caption)
