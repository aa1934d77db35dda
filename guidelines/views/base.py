"""The base of every guidelines page, and what the pages share."""

from __future__ import annotations

from advocacy.permissions import Capability
from advocacy.tenancy import OrgPageView, access_by_id

from ..models import PolicyDocument

MANAGE = Capability.MANAGE_GUIDELINES


class GuidelinesPageView(OrgPageView):
    """Loads the objects named in the URL before anything else, so that a foreign or
    missing id answers 404 whatever the HTTP method."""

    def load_objects(self) -> None:
        if self.model is not None and self.pk_url_kwarg in self.kwargs:
            self.object = self.get_object()

    def document_from_url(self) -> PolicyDocument:
        return access_by_id(
            PolicyDocument, organization=self.organization, pk=self.kwargs.get("document_id")
        )
