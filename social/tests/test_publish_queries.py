"""What one successful publish costs the database, pinned (issue 11, item 4).

Counted around ``publish_share`` against the sandbox. Inside a test's transaction each of the
two ``transaction.atomic()`` blocks (the attempt, committed before the network call, and the
answer) adds a SAVEPOINT and a RELEASE: a worker's own transactions are BEGIN/COMMIT instead,
which Django does not count, so a worker runs four statements fewer than these numbers.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content_library.models import Kind
from content_library.tests.factories import ApprovedItemFactory
from social.models import Share, ShareEvent, ShareState
from social.services import publishing
from social.services.links import tracked_link_create
from social.tests.factories import ShareFactory

from .conftest import Sandbox

#: Phase one: lock the share (with its account, item, membership and tracked link), create
#: the tracked link (savepoint, insert, release), the item's images, one UPDATE, one event.
#: Phase two: the share's row locked again, one UPDATE, one event, the item's share mark
#: (content_library: two savepoints, an insert and the share count), and the caption's
#: hashtags for the campaigns' hashtag counts (campaigns: one insert, only when the caption
#: has a hashtag, as this one does). Was 21 (17 in a worker) before the share mark moved;
#: 20 before hashtag tracking.
STATEMENTS_CREATING_THE_LINK = 21
#: A share made by the composer has its tracked link already (the usual case). Was 17 before
#: hashtag tracking.
STATEMENTS_WITH_A_LINK = 18


@pytest.fixture
def share(sandbox: Sandbox, world) -> Share:
    member = world.a.members["employee"]
    connection_ = sandbox.connect("linkedin", profile="Ada Lovelace")
    account = sandbox.network_account(member.user, connection_)
    item = ApprovedItemFactory.create(
        organization=world.a.org,
        kind=Kind.LINK,
        url="https://acme.example/news/launch",
        title="Acme launches",
    )
    return ShareFactory.create(
        membership=member,
        item=item,
        account=account,
        network="linkedin",
        caption="Proud of the team #launch",
        state=ShareState.QUEUED,
    )


def _published(share: Share) -> None:
    share.refresh_from_db()
    assert share.state == ShareState.PUBLISHED and share.external_id
    assert list(
        ShareEvent.objects.filter(share=share).order_by("at", "pk").values_list("to_state")
    ) == [("publishing",), ("published",)]


def test_one_publish_creating_its_link_runs_a_fixed_number_of_statements(
    share, django_assert_num_queries
):
    with django_assert_num_queries(STATEMENTS_CREATING_THE_LINK):
        assert publishing.publish_share(share.pk) == "published"
    _published(share)


def test_one_publish_of_a_share_with_its_link_runs_fewer(share, django_assert_num_queries):
    tracked_link_create(share=share)
    with django_assert_num_queries(STATEMENTS_WITH_A_LINK):
        assert publishing.publish_share(share.pk) == "published"
    _published(share)


def test_the_answer_relocks_the_share_row_alone(share, postgres_only):
    """Phase two locks and re-reads the share's own row (state, attempt id), with no join,
    and does not read the account, item or membership again."""
    with CaptureQueriesContext(connection) as ctx:
        assert publishing.publish_share(share.pk) == "published"
    locks = [q["sql"] for q in ctx.captured_queries if "FOR UPDATE" in q["sql"]]
    assert len(locks) == 2
    first, second = locks
    assert "JOIN" in first and 'FOR UPDATE OF "social_share"' in first
    assert "JOIN" not in second and 'FOR UPDATE OF "social_share"' in second
    assert '"attempt_id"' in second and '"state"' in second
    reads = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    for table in ("social_networkaccount", "content_library_contentitem", "advocacy_membership"):
        assert sum(f'FROM "{table}"' in sql for sql in reads) == 0, table
