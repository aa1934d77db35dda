"""Fixtures of the amplification tests: the network sandbox (``social.tests.conftest``), an
employee's post published on it through the real publishing path, and the organization's
LinkedIn and Facebook pages connected as their admins would."""

from __future__ import annotations

import time
from typing import Any

from campaigns.models import Amplification
from campaigns.services.amplification import company_page_connect
from content_library.models import Kind
from content_library.tests.factories import ApprovedItemFactory
from social.connectors.company_pages import LINKEDIN_PAGE_SCOPES, Page
from social.models import OrganizationAccount, OrganizationAccountKind, ShareState
from social.services import publishing
from social.tests.factories import ShareFactory

ACME = "urn:li:organization:2414183"
ACME_FACEBOOK = "100000000000102"


def publish_member_share(sandbox: Any, membership: Any, *, network: str = "linkedin", **kw: Any):
    """A share of ``membership`` published on the sandbox through ``publish_share``."""
    from social.models import NetworkAccount

    account = NetworkAccount.objects.filter(user=membership.user, network=network).first()
    if account is not None:
        pass
    elif network == "linkedin":
        account = sandbox.network_account(membership.user, sandbox.connect("linkedin"))
    else:
        account = sandbox.network_account(
            membership.user, sandbox.connect("facebook", "10000000000000021")
        )
    item = ApprovedItemFactory(
        organization=membership.organization,
        kind=Kind.LINK,
        url="https://acme.example/plant",
        title=kw.pop("title", "Our new plant"),
    )
    share = ShareFactory.create(
        membership=membership,
        item=item,
        account=account,
        network=network,
        caption=kw.pop("caption", "Proud of the team #plant"),
        state=ShareState.QUEUED,
        **kw,
    )
    assert publishing.publish_share(share.pk) == "published"
    share.refresh_from_db()
    return share


def connect_linkedin_page(sandbox: Any, admin: Any) -> OrganizationAccount:
    connection = sandbox.connect("linkedin", "sbxGrace2", scopes=list(LINKEDIN_PAGE_SCOPES))
    return company_page_connect(
        actor=admin,
        kind=OrganizationAccountKind.LINKEDIN_PAGE,
        page=Page(
            external_id=ACME,
            display_name="Acme Corporation",
            access_token=connection.access_token,
        ),
        scopes=connection.scopes,
        expires_at=connection.expires_at,
    )


def connect_facebook_page(sandbox: Any, admin: Any) -> OrganizationAccount:
    connection = sandbox.connect("facebook", "10000000000000022")
    page = connection.page(ACME_FACEBOOK)
    return company_page_connect(
        actor=admin,
        kind=OrganizationAccountKind.FACEBOOK_PAGE,
        page=Page(
            external_id=page["id"], display_name=page["name"], access_token=page["access_token"]
        ),
        scopes=["pages_show_list", "pages_manage_posts", "pages_read_engagement"],
    )


def wait_for_state(amplification: Amplification, *states: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while True:
        amplification.refresh_from_db()
        if amplification.state in states:
            return amplification
        if time.monotonic() > deadline:
            raise AssertionError(f"amplification stayed {amplification.state}, not {states}")
        time.sleep(0.1)
