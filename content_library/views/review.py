"""The review workflow on pages: the review queue and the actions on one item."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from advocacy.forms.service_errors import service_error_messages
from advocacy.permissions import Capability
from advocacy.tenancy import OrgPageView

from ..models import ContentItem
from ..selectors.review import item_author_id, review_queue
from ..services.items import content_item_set_pin
from ..services.library_settings import library_settings_for
from ..services.previews import content_item_request_preview
from ..services.review import (
    content_item_approve,
    content_item_archive,
    content_item_reject,
    content_item_request_changes,
    content_item_restore,
    content_item_return_to_draft,
    content_item_submit,
)


class ItemActionView(OrgPageView):
    """POST ``action`` = submit | approve | request_changes | reject | return | archive |
    restore | pin | unpin | preview. The services check the capability of each action
    (approve needs APPROVE_CONTENT, and the item's author never approves it)."""

    capability = Capability.MANAGE_CONTENT
    model = ContentItem
    pk_url_kwarg = "item_id"

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        item = self.get_object()
        action = request.POST.get("action", "")
        m = self.membership
        done = {
            "submit": (
                lambda: content_item_submit(actor=m, item=item),
                _("Sent to review."),
            ),
            "approve": (lambda: content_item_approve(actor=m, item=item), _("Approved.")),
            "request_changes": (
                lambda: content_item_request_changes(
                    actor=m, item=item, comment=request.POST.get("comment", "")
                ),
                _("Returned to the author with your comment."),
            ),
            "reject": (
                lambda: content_item_reject(
                    actor=m, item=item, reason=request.POST.get("reason", "")
                ),
                _("Rejected; the author sees your reason."),
            ),
            "return": (
                lambda: content_item_return_to_draft(
                    actor=m, item=item, reason=request.POST.get("reason", "")
                ),
                _("Sent back to draft."),
            ),
            "archive": (lambda: content_item_archive(actor=m, item=item), _("Archived.")),
            "restore": (
                lambda: content_item_restore(actor=m, item=item),
                _("Restored as a draft."),
            ),
            "pin": (
                lambda: content_item_set_pin(actor=m, item=item, pinned=True),
                _("Pinned."),
            ),
            "unpin": (
                lambda: content_item_set_pin(actor=m, item=item, pinned=False),
                _("Unpinned."),
            ),
            "preview": (
                lambda: content_item_request_preview(actor=m, item=item),
                _("The preview is being fetched."),
            ),
        }
        if action not in done:
            messages.error(request, _("Unknown action."))
        else:
            fn, message = done[action]
            try:
                fn()
            except ValidationError as exc:
                for msg in service_error_messages(exc):
                    messages.error(request, msg)
            except PermissionDenied as exc:
                messages.error(request, str(exc) or _("Your role does not allow this."))
            else:
                messages.success(request, message)
        back = request.POST.get("next") or ""
        if back.startswith(f"/o/{self.organization.slug}/"):
            return redirect(back)
        return redirect("content_item", org_slug=self.organization.slug, item_id=item.pk)


class ReviewQueueView(OrgPageView):
    capability = Capability.MANAGE_CONTENT

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        queue = review_queue(membership=self.membership)
        for item in queue["items"]:
            item.is_mine = item_author_id(item) == self.membership.user_id
        return render(
            request,
            "content_library/review_queue.html",
            self.get_context_data(
                items=queue["items"],
                returned=queue["returned"],
                suggestions=queue["suggestions"],
                can_approve=self.can(Capability.APPROVE_CONTENT),
                second_reviewer=library_settings_for(self.organization).require_second_reviewer,
            ),
        )
