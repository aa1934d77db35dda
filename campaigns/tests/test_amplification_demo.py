"""The demo's company page and amplified post, seeded through the sandbox, idempotently."""

from __future__ import annotations

import pytest

from advocacy.demo import DemoMembers
from campaigns.demo import amplification as demo
from campaigns.models import Amplification, AmplificationState
from social.models import AccountStatus, OrganizationAccount

pytestmark = pytest.mark.django_db


def test_the_demo_connects_the_page_and_amplifies_one_post_once(sandbox, world, employee_share):
    members = DemoMembers(memberships=list(world.a.members.values()))

    demo.seed(organization=world.a.org, members=members)
    demo.seed(organization=world.a.org, members=members)

    page = OrganizationAccount.objects.get(organization=world.a.org)
    assert page.status == AccountStatus.CONNECTED and page.display_name == world.a.org.name
    [amplification] = Amplification.objects.filter(organization=world.a.org)
    assert amplification.state == AmplificationState.PUBLISHED
    assert amplification.share == employee_share
    reshares = [p for p in sandbox.linkedin_posts() if p["author"] == page.external_id]
    assert [p["id"] for p in reshares] == [amplification.external_id]
    assert reshares[0]["reshareContext"] == {"parent": employee_share.external_id}
