"""social.services.shares: every refusal, one share per account x item, retry, cancel, the
share-dialog flow and the suggested time."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from advocacy.models import Role
from content_library.models import ItemShareMark, Kind, Status
from content_library.tests.factories import ApprovedItemFactory, CaptionFactory
from social.models import (
    AccountKind,
    AccountStatus,
    NetworkPolicy,
    Share,
    ShareEvent,
    ShareMethod,
    ShareState,
    TrackedLink,
)
from social.services import compose
from social.services.posts import share_dialog_url
from social.services.shares import (
    ShareTarget,
    share_cancel,
    share_create,
    share_dialog_confirm,
    share_retry,
)
from social.tests.factories import NetworkAccountFactory, ShareFactory
from social.tests.redis_support import private_redis  # noqa: F401 - fixture

from .shares_support import (
    accept_policy,
    account,
    banned_term_rule,
    image_item,
    link_item,
    publish_policy,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def employee(world):
    return world.a.members[Role.EMPLOYEE]


@pytest.fixture
def ready(world, employee):
    """Tenant A: a published policy the employee accepted, a live link item, a LinkedIn account."""
    document = publish_policy(world.a.org, world.a.admin)
    accept_policy(employee, document)
    return {
        "item": link_item(world.a.org),
        "linkedin": account(employee, "linkedin"),
        "document": document,
    }


def _messages(exc: pytest.ExceptionInfo) -> str:
    return " ".join(m for msgs in exc.value.message_dict.values() for m in msgs)


def _share(employee, ready, caption="Proud of our electric ovens", **kw):
    return share_create(
        membership=employee,
        item=ready["item"],
        targets=[ShareTarget(caption=caption, account=ready["linkedin"])],
        **kw,
    )


# --- creating -----------------------------------------------------------------------------


def test_share_now_creates_a_queued_share_with_its_tracked_link_and_history(
    employee, ready, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [share] = _share(employee, ready)
    share.refresh_from_db()
    assert share.state == ShareState.QUEUED
    assert share.method == ShareMethod.API
    assert share.network == "linkedin"
    assert share.caption == "Proud of our electric ovens"  # LinkedIn: the link is the article
    link = TrackedLink.objects.get(share=share)
    assert link.organization_id == share.organization_id
    assert "utm_source=linkedin" in link.target_url
    assert [e.to_state for e in ShareEvent.objects.filter(share=share).order_by("id")] == [
        ShareState.SCHEDULED,
        ShareState.QUEUED,
    ]
    assert len(callbacks) == 1  # publish_share goes out once the transaction commits


def test_scheduled_share_waits_scheduled(employee, ready):
    when = timezone.now() + timedelta(hours=3)
    [share] = _share(employee, ready, scheduled_at=when)
    share.refresh_from_db()
    assert share.state == ShareState.SCHEDULED
    assert share.scheduled_at == when


def test_instagram_caption_carries_the_tracked_link(world, employee, ready):
    item = image_item(world.a.org)
    insta = account(employee, "instagram")
    [share] = share_create(
        membership=employee, item=item, targets=[ShareTarget(caption="Look ⚡", account=insta)]
    )
    link = TrackedLink.objects.get(share=share)
    assert share.caption.startswith("Look ⚡\n\n")
    assert share.caption.endswith(f"/s/{link.code}")


def test_one_share_per_account_and_item(employee, ready):
    _share(employee, ready)
    with pytest.raises(ValidationError) as exc:
        _share(employee, ready)
    assert "already on its way" in _messages(exc)
    Share.objects.filter(pk__in=Share.objects.values("pk")).update(state=ShareState.PUBLISHED)
    with pytest.raises(ValidationError) as exc:
        _share(employee, ready)
    assert "already shared" in _messages(exc)
    assert Share.objects.count() == 1


def test_a_failed_share_is_reused_and_retried_when_shared_again(employee, ready):
    [first] = _share(employee, ready)
    Share.objects.filter(pk=first.pk).update(
        state=ShareState.FAILED, error_message="Too long", attempts=3
    )
    [again] = _share(employee, ready, caption="Electric ovens, at last")
    assert again.pk == first.pk
    again.refresh_from_db()
    assert again.state == ShareState.QUEUED
    assert again.caption == "Electric ovens, at last"
    assert again.error_message == ""
    assert Share.objects.count() == 1


def test_a_cancelled_share_makes_way_for_a_new_one(employee, ready):
    [first] = _share(employee, ready, scheduled_at=timezone.now() + timedelta(hours=1))
    share_cancel(membership=employee, share=first)
    [second] = _share(employee, ready)
    assert second.pk != first.pk
    assert Share.objects.count() == 1


def test_refused_without_the_share_capability(world, ready):
    outsider = world.a.members[Role.EMPLOYEE]
    outsider.role = "nobody"
    with pytest.raises(PermissionDenied):
        _share(outsider, ready)


def test_refused_until_the_policy_is_accepted(world, employee):
    document = publish_policy(world.a.org, world.a.admin)
    item = link_item(world.a.org)
    acct = account(employee, "linkedin")
    with pytest.raises(ValidationError) as exc:
        share_create(membership=employee, item=item, targets=[ShareTarget("Hi", account=acct)])
    text = _messages(exc)
    assert "read and accept" in text
    assert f"/o/{world.a.org.slug}/guidelines/{document.pk}/" in text
    assert not Share.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"status": Status.DRAFT},
        {"expires_at": "past"},
        {"publish_at": "future"},
    ],
)
def test_refused_for_items_not_live(world, employee, ready, change):
    item = ready["item"]
    for field, value in change.items():
        if value == "past":
            value = timezone.now() - timedelta(minutes=1)
        elif value == "future":
            value = timezone.now() + timedelta(days=1)
        setattr(item, field, value)
    item.save()
    with pytest.raises(ValidationError) as exc:
        _share(employee, ready)
    assert "cannot be shared" in _messages(exc)


def test_refused_for_items_not_targeted_at_the_member(world, employee, ready):
    from tests.factories import DepartmentFactory

    other = DepartmentFactory.create(organization=world.a.org, name="Finance")
    item = ready["item"]
    item.target_departments.add(other)
    item.targets_departments = True
    item.save()
    with pytest.raises(ValidationError) as exc:
        _share(employee, ready)
    assert "not meant for you" in _messages(exc)


def test_refused_for_another_organizations_item(world, employee, ready):
    foreign = link_item(world.b.org)
    with pytest.raises(ValidationError) as exc:
        share_create(
            membership=employee,
            item=foreign,
            targets=[ShareTarget("Hi", account=ready["linkedin"])],
        )
    assert "item" in exc.value.message_dict


def test_refused_when_a_blocking_guideline_finding_remains(world, employee, ready):
    banned_term_rule(world.a.org, world.a.admin, "confidential")
    with pytest.raises(ValidationError) as exc:
        _share(employee, ready, caption="Our confidential roadmap")
    assert "LinkedIn:" in _messages(exc)
    assert "confidential" in _messages(exc).lower()
    assert not Share.objects.exists()


def test_refused_over_the_network_length_limit(employee, ready):
    with pytest.raises(ValidationError) as exc:
        _share(employee, ready, caption="x" * 3001)
    assert "at most 3000" in _messages(exc)


def test_uneditable_captions_must_be_a_suggestion(employee, ready):
    item = ready["item"]
    item.captions_editable = False
    item.save()
    with pytest.raises(ValidationError) as exc:
        _share(employee, ready, caption="My own words")
    assert "cannot be edited" in _messages(exc)
    [share] = _share(employee, ready, caption="Electric ovens, at last")
    assert share.caption == "Electric ovens, at last"


def test_refused_for_someone_elses_account(world, employee, ready):
    theirs = NetworkAccountFactory.create(user=world.a.members[Role.MANAGER].user)
    with pytest.raises(ValidationError) as exc:
        share_create(
            membership=employee, item=ready["item"], targets=[ShareTarget("Hi", account=theirs)]
        )
    assert "your own" in _messages(exc)


def test_refused_for_an_account_that_needs_reconnecting(employee, ready):
    acct = ready["linkedin"]
    acct.status = AccountStatus.NEEDS_RECONNECT
    acct.save()
    with pytest.raises(ValidationError) as exc:
        _share(employee, ready)
    assert "needs reconnecting" in _messages(exc)


def test_refused_when_the_organization_does_not_allow_the_network(world, employee, ready):
    NetworkPolicy.objects.create(organization=world.a.org, network="linkedin", allowed=False)
    with pytest.raises(ValidationError) as exc:
        _share(employee, ready)
    assert "does not allow sharing to LinkedIn" in _messages(exc)


def test_instagram_refuses_items_without_an_image(world, employee, ready):
    insta = account(employee, "instagram")
    with pytest.raises(ValidationError) as exc:
        share_create(
            membership=employee, item=ready["item"], targets=[ShareTarget("Hi", account=insta)]
        )
    assert "Instagram publishes images only" in _messages(exc)
    text_item = ApprovedItemFactory.create(organization=world.a.org, kind=Kind.TEXT)
    with pytest.raises(ValidationError) as exc:
        share_create(
            membership=employee, item=text_item, targets=[ShareTarget("Hi", account=insta)]
        )
    assert "text item has no image" in _messages(exc)


def test_facebook_profiles_go_through_the_dialog(employee, ready):
    profile = account(employee, "facebook", kind=AccountKind.MEMBER)
    with pytest.raises(ValidationError) as exc:
        share_create(
            membership=employee, item=ready["item"], targets=[ShareTarget("Hi", account=profile)]
        )
    assert "share dialog" in _messages(exc)


def test_refusals_leave_nothing_behind(world, employee, ready):
    insta = account(employee, "instagram")
    with pytest.raises(ValidationError):
        share_create(
            membership=employee,
            item=ready["item"],
            targets=[
                ShareTarget("Fine", account=ready["linkedin"]),
                ShareTarget("No image", account=insta),
            ],
        )
    assert not Share.objects.exists()
    assert not TrackedLink.objects.exists()


def test_schedule_must_be_in_the_future_and_not_for_dialogs(employee, ready):
    with pytest.raises(ValidationError) as exc:
        _share(employee, ready, scheduled_at=timezone.now() - timedelta(minutes=1))
    assert "future" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        share_create(
            membership=employee,
            item=ready["item"],
            targets=[ShareTarget("Hi", network="x")],
            scheduled_at=timezone.now() + timedelta(hours=1),
        )
    assert "cannot be scheduled" in _messages(exc)


# --- share dialogs ------------------------------------------------------------------------------


def test_dialog_share_flow(world, employee, ready):
    [share] = share_create(
        membership=employee,
        item=ready["item"],
        targets=[ShareTarget("Proud of this #ElectricOvens", network="facebook")],
    )
    assert share.method == ShareMethod.DIALOG
    assert share.account is None
    assert share.state == ShareState.SCHEDULED and share.scheduled_at is None
    link = TrackedLink.objects.get(share=share)
    url = share_dialog_url(share)
    assert "/dialog/share?" in url
    assert f"%2Fs%2F{link.code}" in url
    assert "hashtag=%23ElectricOvens" in url
    # Sharing again before confirming gives the same share and link.
    [again] = share_create(
        membership=employee, item=ready["item"], targets=[ShareTarget("Edited", network="facebook")]
    )
    assert again.pk == share.pk
    confirmed = share_dialog_confirm(membership=employee, share=share)
    assert confirmed.state == ShareState.PUBLISHED
    assert confirmed.published_at is not None
    assert confirmed.external_id == "" and confirmed.impressions is None
    assert ItemShareMark.objects.filter(item=ready["item"], membership=employee).exists()
    with pytest.raises(ValidationError) as exc:
        share_create(
            membership=employee, item=ready["item"], targets=[ShareTarget("Hi", network="facebook")]
        )
    assert "already shared" in _messages(exc)


def test_x_intent_carries_caption_and_link(employee, ready):
    [share] = share_create(
        membership=employee, item=ready["item"], targets=[ShareTarget("Ovens!", network="x")]
    )
    url = share_dialog_url(share)
    assert url.startswith("https://x.com/intent/post?")
    assert "text=Ovens%21" in url and "%2Fs%2F" in url


def test_dialog_share_can_be_abandoned(employee, ready):
    [share] = share_create(
        membership=employee, item=ready["item"], targets=[ShareTarget("Hi", network="x")]
    )
    share_cancel(membership=employee, share=share)
    share.refresh_from_db()
    assert share.state == ShareState.CANCELLED
    assert not TrackedLink.objects.get(share=share).is_active


def test_confirm_refuses_api_shares(employee, ready):
    [share] = _share(employee, ready)
    with pytest.raises(ValidationError):
        share_dialog_confirm(membership=employee, share=share)


# --- retry and cancel ---------------------------------------------------------------------------


def test_retry_a_failed_share_after_fixing_the_caption(world, employee, ready):
    [share] = _share(employee, ready)
    Share.objects.filter(pk=share.pk).update(
        state=ShareState.FAILED, error_message="Rejected", attempts=2
    )
    retried = share_retry(membership=employee, share=share, caption="A better caption")
    assert retried.state == ShareState.QUEUED
    assert retried.caption == "A better caption"
    assert retried.error_message == ""


def test_retry_needs_a_reconnected_account(employee, ready):
    [share] = _share(employee, ready)
    Share.objects.filter(pk=share.pk).update(state=ShareState.NEEDS_RECONNECT)
    acct = ready["linkedin"]
    acct.status = AccountStatus.NEEDS_RECONNECT
    acct.save()
    with pytest.raises(ValidationError) as exc:
        share_retry(membership=employee, share=share)
    assert "needs reconnecting" in _messages(exc)
    acct.status = AccountStatus.CONNECTED
    acct.save()
    assert share_retry(membership=employee, share=share).state == ShareState.QUEUED


def test_retry_refuses_other_states_and_other_members(world, employee, ready):
    [share] = _share(employee, ready)
    with pytest.raises(ValidationError) as exc:
        share_retry(membership=employee, share=share)
    assert "Only failed shares" in _messages(exc)
    Share.objects.filter(pk=share.pk).update(state=ShareState.FAILED)
    with pytest.raises(ValidationError):
        share_retry(membership=world.a.members[Role.MANAGER], share=share)


def test_retry_rechecks_the_guidelines(world, employee, ready):
    [share] = _share(employee, ready, caption="Our roadmap")
    Share.objects.filter(pk=share.pk).update(state=ShareState.FAILED)
    banned_term_rule(world.a.org, world.a.admin, "roadmap")
    with pytest.raises(ValidationError) as exc:
        share_retry(membership=employee, share=share)
    assert "roadmap" in _messages(exc).lower()


def test_cancel_only_scheduled_shares(employee, ready):
    [share] = _share(employee, ready)
    with pytest.raises(ValidationError) as exc:
        share_cancel(membership=employee, share=share)
    assert "Only scheduled" in _messages(exc)
    other = ShareFactory.create(
        membership=employee,
        item=link_item(employee.organization),
        account=account(employee, "linkedin"),
        state=ShareState.SCHEDULED,
        scheduled_at=timezone.now() + timedelta(hours=1),
    )
    assert share_cancel(membership=employee, share=other).state == ShareState.CANCELLED
    assert ShareEvent.objects.filter(share=other, to_state=ShareState.CANCELLED).exists()


# --- suggested time ---------------------------------------------------------------------------------


def test_suggested_time_defaults_to_a_weekday_morning_in_the_org_zone(world, employee):
    world.a.org.time_zone = "Europe/Vilnius"
    world.a.org.save()
    employee.organization.refresh_from_db()
    # Friday 2026-06-05 15:00 in Vilnius -> next Tuesday 09:00 Vilnius.
    now = datetime(2026, 6, 5, 12, 0, tzinfo=ZoneInfo("UTC"))
    when = compose.suggested_share_time(membership=employee, now=now)
    local = when.astimezone(ZoneInfo("Europe/Vilnius"))
    assert (local.weekday(), local.hour, local.minute) == (1, 9, 0)
    assert when > now and timezone.is_aware(when)
    # Wednesday 08:00 local -> the same day at 09:00.
    now = datetime(2026, 6, 10, 5, 0, tzinfo=ZoneInfo("UTC"))
    local = compose.suggested_share_time(membership=employee, now=now).astimezone(
        ZoneInfo("Europe/Vilnius")
    )
    assert (local.date().isoformat(), local.hour) == ("2026-06-10", 9)


def test_suggested_time_follows_past_engagement(world, employee):
    item = link_item(world.a.org)
    acct = account(employee, "linkedin")
    # Three published shares: Saturdays at 18:00 UTC did best.
    for day, hour, reactions in [(6, 18, 40), (13, 18, 50), (10, 9, 2)]:
        ShareFactory.create(
            membership=employee,
            item=ApprovedItemFactory.create(organization=world.a.org, url="https://example.com/x"),
            account=acct if day == 6 else NetworkAccountFactory.create(user=employee.user),
            state=ShareState.PUBLISHED,
            published_at=datetime(2026, 6, day, hour, 0, tzinfo=ZoneInfo("UTC")),
            reactions=reactions,
        )
    assert item  # the member's history, not the item, decides
    now = datetime(2026, 6, 15, 12, 0, tzinfo=ZoneInfo("UTC"))  # a Monday
    when = compose.suggested_share_time(membership=employee, now=now)
    assert when == datetime(2026, 6, 20, 18, 0, tzinfo=ZoneInfo("UTC"))


def test_suggested_time_is_always_ahead(world, employee):
    with time_machine.travel(datetime(2026, 6, 9, 8, 59, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        when = compose.suggested_share_time(membership=employee)
    assert when >= datetime(2026, 6, 9, 9, 14, tzinfo=ZoneInfo("UTC"))
    assert when == datetime(2026, 6, 10, 9, 0, tzinfo=ZoneInfo("UTC"))


def test_captions_prefill_from_the_items_suggestions(world, employee):
    item = link_item(world.a.org)
    CaptionFactory.create(item=item, network="facebook", text="For Facebook")
    targets = {t.key: t for t in compose.composer_targets(membership=employee, item=item)}
    assert targets["dialog-facebook"].caption == "For Facebook"
    assert targets["dialog-x"].caption == "Ovens go electric"


# --- cancelling stops the tracked link at once (on the Redis cache, as in production) -------


@pytest.fixture
def redis_cache(settings, private_redis):  # noqa: F811
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": private_redis.url,
        }
    }
    settings.CLICKS_REDIS_URL = ""  # clicks go straight to the database here
    cache.clear()
    yield cache
    cache.clear()


def test_cancelling_a_scheduled_share_stops_its_tracked_link_at_once(
    client, employee, ready, redis_cache, django_capture_on_commit_callbacks
):
    [share] = _share(employee, ready, scheduled_at=timezone.now() + timedelta(hours=3))
    link = TrackedLink.objects.get(share=share)
    redirect = reverse("tracked_link_redirect", kwargs={"code": link.code})
    assert client.get(redirect).status_code == 302  # the redirect cached the target
    with django_capture_on_commit_callbacks(execute=True):
        share_cancel(membership=employee, share=share)
    link.refresh_from_db()
    assert link.is_active is False
    assert client.get(redirect).status_code == 404
