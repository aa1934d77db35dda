"""Company-page amplification against the sandbox: connecting, re-sharing exactly once, and what
each network answer does (rate limits, 5xx, revoked tokens, refusals, lost answers)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from advocacy.models import AuditLogEntry
from campaigns.models import Amplification, AmplificationState
from campaigns.services import amplification as svc
from social.connectors.linkedin import escape_little_text
from social.models import AccountStatus

from .amplification_support import (
    ACME,
    ACME_FACEBOOK,
    connect_facebook_page,
    connect_linkedin_page,
    publish_member_share,
)

pytestmark = pytest.mark.django_db


def _amplify(world, share, page, comment="Proud of our plant team! #teamwork"):
    return svc.amplification_create(
        actor=world.a.members["manager"], share=share, account=page, comment=comment
    )


def test_connecting_a_page_stores_its_token_encrypted_and_is_audited(sandbox, world, linkedin_page):
    assert linkedin_page.external_id == ACME
    assert linkedin_page.status == AccountStatus.CONNECTED
    assert linkedin_page.connected_by == world.a.members["admin"]
    assert linkedin_page.access_token not in linkedin_page.access_token_encrypted
    assert AuditLogEntry.objects.filter(
        organization=world.a.org, action="company_page.connected"
    ).exists()
    svc.company_page_disconnect(actor=world.a.members["admin"], account=linkedin_page)
    linkedin_page.refresh_from_db()
    assert linkedin_page.access_token_encrypted == ""
    assert linkedin_page.status == AccountStatus.DISCONNECTED
    assert AuditLogEntry.objects.filter(action="company_page.disconnected").count() == 1


def test_only_admins_connect_and_only_managers_amplify(
    sandbox, world, employee_share, linkedin_page
):
    with pytest.raises(PermissionDenied):
        svc.company_page_disconnect(actor=world.a.members["manager"], account=linkedin_page)
    with pytest.raises(PermissionDenied):
        svc.amplification_create(
            actor=world.a.members["employee"],
            share=employee_share,
            account=linkedin_page,
            comment="",
        )
    with pytest.raises(PermissionDenied):  # another organization's manager
        svc.amplification_create(
            actor=world.b.members["manager"],
            share=employee_share,
            account=linkedin_page,
            comment="",
        )


def test_a_linkedin_reshare_is_posted_once_as_the_organization(
    sandbox, world, employee_share, linkedin_page
):
    amplification = _amplify(world, employee_share, linkedin_page)
    assert amplification.state == AmplificationState.QUEUED

    assert svc.amplification_publish(amplification.pk) == "published"
    # A redelivered or retried task finds it published and posts nothing.
    assert svc.amplification_publish(amplification.pk) == "skipped"

    amplification.refresh_from_db()
    reshares = [p for p in sandbox.linkedin_posts() if p["author"] == ACME]
    assert len(reshares) == 1
    [post] = reshares
    assert post["reshareContext"] == {"parent": employee_share.external_id}
    assert post["commentary"] == escape_little_text("Proud of our plant team! #teamwork")
    assert post["commentary"].endswith("{hashtag|\\#|teamwork}")
    assert amplification.external_id == post["id"]
    assert amplification.permalink.endswith(post["id"])
    assert amplification.state == AmplificationState.PUBLISHED
    assert amplification.attempts == 1


def test_a_facebook_page_posts_the_tracked_link_with_the_comment(sandbox, world):
    share = publish_member_share(sandbox, world.a.members["employee"], network="facebook")
    page = connect_facebook_page(sandbox, world.a.members["admin"])
    amplification = _amplify(world, share, page, comment="Read about our plant")

    assert svc.amplification_publish(amplification.pk) == "published"

    posts = [p for p in sandbox.facebook_posts() if p["page_id"] == ACME_FACEBOOK]
    assert len(posts) == 1
    assert posts[0]["message"] == "Read about our plant"
    assert posts[0]["link"].endswith(f"/s/{share.link.code}")
    amplification.refresh_from_db()
    assert amplification.external_id == posts[0]["id"]


def test_the_same_post_cannot_be_amplified_twice_to_one_page(
    sandbox, world, employee_share, linkedin_page
):
    _amplify(world, employee_share, linkedin_page)
    with pytest.raises(ValidationError) as raised:
        _amplify(world, employee_share, linkedin_page, comment="again")
    assert "already re-shared" in str(raised.value)
    assert Amplification.objects.count() == 1


def test_bad_requests_are_refused_with_reasons(sandbox, world, employee_share, linkedin_page):
    with pytest.raises(ValidationError) as too_long:
        _amplify(world, employee_share, linkedin_page, comment="x" * 3001)
    assert "comment" in too_long.value.message_dict
    employee_share.state = "failed"
    employee_share.save()
    with pytest.raises(ValidationError) as not_published:
        _amplify(world, employee_share, linkedin_page)
    assert "share" in not_published.value.message_dict


def test_rate_limit_and_5xx_are_retried_with_backoff(sandbox, world, employee_share, linkedin_page):
    amplification = _amplify(world, employee_share, linkedin_page)
    sandbox.fault("rate_limit", network="linkedin", endpoint="posts.create", retry_after=120)
    assert svc.amplification_publish(amplification.pk) == "rate_limited"
    amplification.refresh_from_db()
    assert amplification.state == AmplificationState.QUEUED
    assert amplification.next_attempt_at > timezone.now() + timedelta(seconds=100)
    assert svc.amplification_publish(amplification.pk) == "not_due"

    amplification.next_attempt_at = None
    amplification.save()
    from django.core.cache import cache

    cache.clear()  # the "blocked until" mark
    sandbox.fault("server_error", network="linkedin", endpoint="posts.create", status=503)
    assert svc.amplification_publish(amplification.pk) == "retry"
    amplification.refresh_from_db()
    assert amplification.state == AmplificationState.QUEUED
    assert amplification.next_attempt_at > timezone.now()
    amplification.next_attempt_at = None
    amplification.save()
    assert svc.amplification_publish(amplification.pk) == "published"
    assert len([p for p in sandbox.linkedin_posts() if p["author"] == ACME]) == 1


def test_a_revoked_token_asks_the_admin_to_reconnect(sandbox, world, employee_share, linkedin_page):
    amplification = _amplify(world, employee_share, linkedin_page)
    sandbox.revoke_token(linkedin_page.access_token)

    assert svc.amplification_publish(amplification.pk) == "needs_reconnect"

    amplification.refresh_from_db()
    linkedin_page.refresh_from_db()
    assert amplification.state == AmplificationState.NEEDS_RECONNECT
    assert linkedin_page.status == AccountStatus.NEEDS_RECONNECT


def test_the_admin_is_emailed_when_the_page_needs_reconnecting(
    sandbox, world, employee_share, linkedin_page, django_capture_on_commit_callbacks
):
    amplification = _amplify(world, employee_share, linkedin_page)
    sandbox.revoke_token(linkedin_page.access_token)
    with django_capture_on_commit_callbacks(execute=True):
        svc.amplification_publish(amplification.pk)
    assert [m.to for m in mail.outbox] == [[world.a.members["admin"].user.email]]
    assert "Acme Corporation" in mail.outbox[0].subject


def test_a_deleted_parent_fails_with_linkedins_message(sandbox, world, linkedin_page):
    share = publish_member_share(sandbox, world.a.members["employee"])
    post = sandbox.state()["linkedin"]["posts"][share.external_id]
    assert post["isReshareDisabledByAuthor"] is False
    # The employee's post disappears from LinkedIn before the company re-shares it.
    sandbox.admin("DELETE", "faults")
    sandbox.http.delete(
        f"{sandbox.bases['LINKEDIN_API_BASE']}/rest/posts/{share.external_id}",
        headers={
            "Authorization": f"Bearer {share.account.access_token}",
            "LinkedIn-Version": "202612",
            "X-Restli-Protocol-Version": "2.0.0",
        },
        timeout=10,
    )
    amplification = _amplify(world, share, linkedin_page)

    assert svc.amplification_publish(amplification.pk) == "failed"

    amplification.refresh_from_db()
    assert amplification.state == AmplificationState.FAILED
    assert "does not exist" in amplification.error_message


def test_a_lost_answer_is_reconciled_never_sent_twice(
    sandbox, world, employee_share, linkedin_page
):
    amplification = _amplify(world, employee_share, linkedin_page)
    # The post is created but the connection drops before LinkedIn answers.
    sandbox.fault("lost_response", network="linkedin", endpoint="posts.create")

    assert svc.amplification_publish(amplification.pk) == "unknown_outcome"
    amplification.refresh_from_db()
    assert amplification.state == AmplificationState.PUBLISHING
    assert amplification.error_code == "unconfirmed"
    # A redelivered publish task does not send it again.
    assert svc.amplification_publish(amplification.pk) == "skipped"

    assert svc.amplification_reconcile(amplification.pk, only_if_due=False) == "published"
    amplification.refresh_from_db()
    [post] = [p for p in sandbox.linkedin_posts() if p["author"] == ACME]
    assert amplification.external_id == post["id"]


def test_a_lost_create_that_never_landed_is_sent_again_after_the_window(
    sandbox, world, employee_share, linkedin_page, settings
):
    settings.SOCIAL_RECONCILE_WINDOW_SECONDS = 0
    amplification = _amplify(world, employee_share, linkedin_page)
    sandbox.fault("timeout", network="linkedin", endpoint="posts.create", delay=1.5)
    settings.SOCIAL_HTTP_TIMEOUT = 0.5
    assert svc.amplification_publish(amplification.pk) == "unknown_outcome"
    settings.SOCIAL_HTTP_TIMEOUT = 10
    # The sandbox finished the late create meanwhile, or not: reconciliation decides.
    result = svc.amplification_reconcile(amplification.pk, only_if_due=False)
    if result == "requeued":
        assert svc.amplification_publish(amplification.pk) == "published"
    else:
        assert result == "published"
    assert len([p for p in sandbox.linkedin_posts() if p["author"] == ACME]) == 1


def test_a_worker_that_died_mid_call_is_reconciled_by_the_sweep(
    sandbox, world, employee_share, linkedin_page
):
    amplification = _amplify(world, employee_share, linkedin_page)
    assert svc.amplification_publish(amplification.pk) == "published"
    # Pretend the worker died after LinkedIn created the post, before saving the answer.
    Amplification.objects.filter(pk=amplification.pk).update(
        state=AmplificationState.PUBLISHING,
        external_id="",
        publishing_started_at=timezone.now() - timedelta(hours=1),
    )

    counts = svc.amplifications_sweep()

    assert counts["stale"] == 1
    amplification.refresh_from_db()
    assert amplification.error_code == "unconfirmed"
    assert svc.amplification_reconcile(amplification.pk, only_if_due=False) == "published"
    amplification.refresh_from_db()
    assert amplification.external_id
    assert len([p for p in sandbox.linkedin_posts() if p["author"] == ACME]) == 1


def test_a_failed_amplification_can_be_tried_again(sandbox, world, employee_share, linkedin_page):
    amplification = _amplify(world, employee_share, linkedin_page)
    sandbox.revoke_token(linkedin_page.access_token)
    svc.amplification_publish(amplification.pk)
    page = connect_linkedin_page(sandbox, world.a.members["admin"])
    assert page.pk == linkedin_page.pk  # reconnecting keeps the row
    again = svc.amplification_retry(actor=world.a.members["manager"], amplification=amplification)
    assert again.state == AmplificationState.QUEUED
    assert svc.amplification_publish(amplification.pk) == "published"
