"""Scoring: each fact once, bots never, caps, increase only, multiplier, reversal, rules
forward only. Facts arrive through the real services and signals (on commit)."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import close_old_connections
from django.utils import timezone

from advocacy.models import Role
from campaigns.models import PointsAction, PointsBalance, PointsEntry, PointsRule
from campaigns.services import points as scoring
from campaigns.services.ledger import PointsDraft, points_entries_append, points_entry_append
from campaigns.signals import points_recorded
from campaigns.tests.factories import CampaignFactory
from content_library.services.suggestions import suggestion_accept
from content_library.tests.factories import SuggestionFactory
from guidelines import services as guideline_services
from guidelines.models import DocumentKind
from social.models import ClickEvent, Share, ShareMethod, ShareState
from social.services import clicks as click_services
from social.services.links import tracked_link_create
from social.services.shares import share_cancel
from social.services.transitions import share_transition
from social.signals import share_metrics_stored
from social.tests.factories import ShareFactory
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _entries(member, action=None):
    qs = PointsEntry.objects.filter(membership=member)
    if action:
        qs = qs.filter(action=action)
    return list(qs.order_by("id"))


def _balance(member) -> tuple[int, int]:
    b = PointsBalance.objects.filter(membership=member).first()
    return (b.lifetime, b.spendable) if b else (0, 0)


def _publish(share, capture):
    with capture(execute=True):
        share_transition(share, ShareState.PUBLISHING)
        share_transition(share, ShareState.PUBLISHED, published_at=timezone.now())


def _clicks(share, humans: int, bots: int = 0, capture=None):
    link = getattr(share, "link", None) or tracked_link_create(share=share)
    now = timezone.now()
    ClickEvent.objects.bulk_create(
        [
            ClickEvent(
                organization_id=share.organization_id,
                event_id=uuid.uuid4(),
                link=link,
                share=share,
                occurred_at=now,
                is_bot=i >= humans,
                bot_name="LinkedInBot" if i >= humans else "",
            )
            for i in range(humans + bots)
        ]
    )
    assert capture is not None
    with capture(execute=True):
        while click_services.clicks_count_batch(limit=1000):
            pass


@pytest.fixture
def member(world):
    return world.a.members[Role.EMPLOYEE]


@pytest.fixture
def share(member):
    return ShareFactory.create(membership=member, state=ShareState.QUEUED)


def test_a_published_share_scores_once(member, share, django_capture_on_commit_callbacks):
    _publish(share, django_capture_on_commit_callbacks)
    entries = _entries(member)
    assert [(e.action, e.points, e.share_id) for e in entries] == [
        (PointsAction.SHARE_PUBLISHED, 10, share.pk)
    ]
    # A retried task or a second announcement changes nothing.
    scoring.points_score_share_published(organization=member.organization, share_id=share.pk)
    scoring.points_backfill(organization=member.organization)
    assert len(_entries(member)) == 1
    assert _balance(member) == (10, 10)


def test_a_share_not_published_scores_nothing(member, share):
    assert (
        scoring.points_score_share_published(organization=member.organization, share_id=share.pk)
        == []
    )


def test_human_clicks_score_bots_never(member, django_capture_on_commit_callbacks):
    share = ShareFactory.create(membership=member, state=ShareState.PUBLISHED)
    _clicks(share, humans=7, bots=5, capture=django_capture_on_commit_callbacks)
    [entry] = _entries(member, PointsAction.HUMAN_CLICK)
    assert (entry.points, entry.quantity) == (7, 7)
    # Only bots later: nothing more.
    _clicks(share, humans=0, bots=20, capture=django_capture_on_commit_callbacks)
    assert len(_entries(member, PointsAction.HUMAN_CLICK)) == 1
    # Scoring again without new clicks: nothing more.
    scoring.points_score_clicks(organization=member.organization, share_ids=[share.pk])
    assert len(_entries(member, PointsAction.HUMAN_CLICK)) == 1


def test_a_burst_of_clicks_is_one_entry_per_share_per_batch(
    member, django_capture_on_commit_callbacks
):
    shares = [ShareFactory.create(membership=member, state=ShareState.PUBLISHED) for _ in range(3)]
    for s in shares:
        _clicks(s, humans=0, capture=django_capture_on_commit_callbacks)
    now = timezone.now()
    rows = []
    for s in shares:
        rows += [
            ClickEvent(
                organization_id=s.organization_id,
                event_id=uuid.uuid4(),
                link=s.link,
                share=s,
                occurred_at=now,
            )
            for _ in range(4)
        ]
    ClickEvent.objects.bulk_create(rows)
    with django_capture_on_commit_callbacks(execute=True):
        click_services.clicks_count_batch(limit=1000)
    entries = _entries(member, PointsAction.HUMAN_CLICK)
    assert sorted((e.share_id, e.quantity) for e in entries) == sorted((s.pk, 4) for s in shares)


def test_per_share_cap_on_clicks(member, django_capture_on_commit_callbacks):
    share = ShareFactory.create(membership=member, state=ShareState.PUBLISHED)
    _clicks(share, humans=45, capture=django_capture_on_commit_callbacks)
    _clicks(share, humans=30, capture=django_capture_on_commit_callbacks)
    entries = _entries(member, PointsAction.HUMAN_CLICK)
    # Default: 1 per click, at most 50 per share.
    assert [e.points for e in entries] == [45, 5]
    _clicks(share, humans=10, capture=django_capture_on_commit_callbacks)
    assert len(_entries(member, PointsAction.HUMAN_CLICK)) == 2


def test_daily_cap_per_member_and_action(member, django_capture_on_commit_callbacks):
    # Default: 10 points per published share, at most 50 a day.
    for _ in range(7):
        s = ShareFactory.create(membership=member, state=ShareState.QUEUED)
        _publish(s, django_capture_on_commit_callbacks)
    assert [e.points for e in _entries(member, PointsAction.SHARE_PUBLISHED)] == [10] * 5
    assert _balance(member) == (50, 50)


def test_daily_cap_counts_days_in_the_organizations_time_zone(member):
    org = member.organization
    org.time_zone = "Europe/Vilnius"  # UTC+2 in winter
    org.save()
    PointsRule.objects.create(
        organization=org,
        action=PointsAction.SHARE_PUBLISHED,
        points=10,
        daily_cap=10,
        effective_from=timezone.now() - timedelta(days=30),
    )
    zone = ZoneInfo("Europe/Vilnius")
    # 23:30 and 23:50 local on one day, 00:10 local the next (21:30, 21:50, 22:10 UTC).
    times = [
        datetime(2026, 11, 20, 23, 30, tzinfo=zone),
        datetime(2026, 11, 20, 23, 50, tzinfo=zone),
        datetime(2026, 11, 21, 0, 10, tzinfo=zone),
    ]
    for at in times:
        s = ShareFactory.create(membership=member, state=ShareState.PUBLISHED, published_at=at)
        scoring.points_score_share_published(organization=org, share_id=s.pk)
    assert [e.occurred_at.astimezone(zone).day for e in _entries(member)] == [20, 21]


def test_engagement_scores_the_increase_only(member):
    org = member.organization
    share = ShareFactory.create(
        membership=member, state=ShareState.PUBLISHED, reactions=3, comments=1, reshares=None
    )
    scoring.points_score_engagement(organization=org, share_ids=[share.pk])
    # The network reports less later: nothing, and never negative.
    Share.objects.filter(pk=share.pk).update(reactions=1, comments=0)
    scoring.points_score_engagement(organization=org, share_ids=[share.pk])
    # Then more than ever: only what is new since the highest level scored.
    Share.objects.filter(pk=share.pk).update(reactions=5, comments=1, reshares=1)
    scoring.points_score_engagement(organization=org, share_ids=[share.pk])
    scoring.points_score_engagement(organization=org, share_ids=[share.pk])
    entries = _entries(member, PointsAction.ENGAGEMENT)
    # Default: 2 points per reaction, comment or reshare.
    assert [(e.quantity, e.points) for e in entries] == [(4, 8), (3, 6)]
    assert all(e.points > 0 for e in entries)


def test_engagement_arrives_through_the_metrics_signal(member, django_capture_on_commit_callbacks):
    share = ShareFactory.create(membership=member, state=ShareState.PUBLISHED, reactions=2)
    share_metrics_stored.send(
        sender=Share,
        shares_by_organization={member.organization_id: {share.pk}},
        gone_by_organization={},
    )
    assert [e.points for e in _entries(member, PointsAction.ENGAGEMENT)] == [4]


def test_campaign_multiplier_rounds_down_and_carries_the_campaign(
    member, django_capture_on_commit_callbacks
):
    campaign = CampaignFactory.create(
        organization=member.organization, points_multiplier=Decimal("1.5")
    )
    share = ShareFactory.create(membership=member, state=ShareState.QUEUED, campaign=campaign)
    _publish(share, django_capture_on_commit_callbacks)
    _clicks(share, humans=3, capture=django_capture_on_commit_callbacks)
    entries = _entries(member)
    assert [(e.action, e.points, e.campaign_id) for e in entries] == [
        (PointsAction.SHARE_PUBLISHED, 15, campaign.pk),
        (PointsAction.HUMAN_CLICK, 4, campaign.pk),  # floor(3 * 1 * 1.5)
    ]


def test_a_cancelled_share_has_its_points_reversed(member, django_capture_on_commit_callbacks):
    # A share-dialog post waiting for confirmation already gets clicks; the member cancels.
    share = ShareFactory.create(
        membership=member, state=ShareState.SCHEDULED, method=ShareMethod.DIALOG, account=None
    )
    _clicks(share, humans=6, capture=django_capture_on_commit_callbacks)
    assert _balance(member) == (6, 6)
    # Some of it spent meanwhile.
    points_entry_append(
        membership=member,
        action=PointsAction.REDEMPTION_HOLD,
        points=0,
        spendable=-4,
        dedupe_key="hold",
    )
    with django_capture_on_commit_callbacks(execute=True):
        share_cancel(membership=member, share=share)
    reversal = _entries(member, PointsAction.REVERSAL)
    assert [(r.points, r.spendable, r.reverses.action) for r in reversal] == [
        (-6, -2, PointsAction.HUMAN_CLICK)
    ]
    assert _balance(member) == (0, 0)
    # Reversing again (a second announcement) changes nothing; later clicks earn nothing.
    scoring.points_share_reverse(organization=member.organization, share_id=share.pk)
    _clicks(share, humans=3, capture=django_capture_on_commit_callbacks)
    assert len(_entries(member, PointsAction.REVERSAL)) == 1
    assert _balance(member) == (0, 0)


def test_a_deleted_share_has_its_points_reversed(member, django_capture_on_commit_callbacks):
    share = ShareFactory.create(membership=member, state=ShareState.QUEUED)
    _publish(share, django_capture_on_commit_callbacks)
    share.delete()
    assert _balance(member) == (0, 0)
    [reversal] = _entries(member, PointsAction.REVERSAL)
    assert reversal.points == -10 and reversal.reverses is not None


def test_a_post_gone_from_the_network_is_reversed_and_earns_no_more(
    member, django_capture_on_commit_callbacks
):
    share = ShareFactory.create(membership=member, state=ShareState.QUEUED)
    _publish(share, django_capture_on_commit_callbacks)
    share_metrics_stored.send(
        sender=Share,
        shares_by_organization={},
        gone_by_organization={member.organization_id: {share.pk}},
    )
    assert _balance(member) == (0, 0)
    _clicks(share, humans=5, capture=django_capture_on_commit_callbacks)
    assert _balance(member) == (0, 0)


def test_rules_change_forward_only(world, member, django_capture_on_commit_callbacks):
    manager = world.a.members[Role.MANAGER]
    first = ShareFactory.create(membership=member, state=ShareState.QUEUED)
    _publish(first, django_capture_on_commit_callbacks)
    before = [(e.pk, e.points, e.spendable) for e in _entries(member)]
    rule = scoring.points_rule_save(
        actor=manager, action=PointsAction.SHARE_PUBLISHED, points=3, daily_cap=""
    )
    # Nobody's past points change.
    assert [(e.pk, e.points, e.spendable) for e in _entries(member)] == before
    assert _balance(member) == (10, 10)
    second = ShareFactory.create(membership=member, state=ShareState.QUEUED)
    _publish(second, django_capture_on_commit_callbacks)
    latest = _entries(member)[-1]
    assert (latest.points, latest.rule_id) == (3, rule.pk)
    # A fact that happened before the change (scored late) still gets the old points.
    late = ShareFactory.create(
        membership=member,
        state=ShareState.PUBLISHED,
        published_at=rule.effective_from - timedelta(minutes=5),
    )
    [entry] = scoring.points_score_share_published(
        organization=member.organization, share_id=late.pk
    )
    assert (entry.points, entry.rule_id) == (10, None)


def test_rule_changes_are_checked_and_audited(world):
    from django.core.exceptions import PermissionDenied, ValidationError

    from advocacy.models import AuditLogEntry

    manager = world.a.members[Role.MANAGER]
    with pytest.raises(PermissionDenied):
        scoring.points_rule_save(
            actor=world.a.members[Role.EMPLOYEE], action=PointsAction.HUMAN_CLICK, points=2
        )
    for bad in (
        {"action": "nope", "points": 1},
        {"action": PointsAction.HUMAN_CLICK, "points": -1},
        {"action": PointsAction.HUMAN_CLICK, "points": "lots"},
        {"action": PointsAction.HUMAN_CLICK, "points": 2, "daily_cap": 0},
        {"action": PointsAction.SHARE_PUBLISHED, "points": 2, "per_share_cap": 5},
        {"action": PointsAction.HUMAN_CLICK, "points": 10**9},
    ):
        with pytest.raises(ValidationError):
            scoring.points_rule_save(actor=manager, **bad)
    assert not PointsRule.objects.exists()
    scoring.points_rule_save(
        actor=manager, action=PointsAction.HUMAN_CLICK, points="2", daily_cap="40"
    )
    entry = AuditLogEntry.objects.get(action="points_rule.changed")
    assert entry.data["points"] == [1, 2] and entry.data["daily_cap"] == [100, 40]


def test_suggestion_accepted_credits_its_author(world, django_capture_on_commit_callbacks):
    author = world.a.members[Role.EMPLOYEE]
    suggestion = SuggestionFactory.create(organization=world.a.org, submitted_by=author)
    with django_capture_on_commit_callbacks(execute=True):
        suggestion_accept(actor=world.a.members[Role.MANAGER], suggestion=suggestion)
    scoring.points_score_suggestion_accepted(organization=world.a.org, suggestion_id=suggestion.pk)
    assert [(e.action, e.points, e.object_id) for e in _entries(author)] == [
        (PointsAction.SUGGESTION_ACCEPTED, 25, str(suggestion.pk))
    ]


def test_a_policy_scores_once_per_document_not_per_version(
    world, django_capture_on_commit_callbacks
):
    admin = world.a.members[Role.ADMIN]
    member = world.a.members[Role.EMPLOYEE]
    document = guideline_services.policy_document_create(
        actor=admin, kind=DocumentKind.POLICY, title="Policy", body_markdown="Be kind."
    )
    v1 = document.versions.get()
    guideline_services.policy_version_publish(actor=admin, version=v1)
    with django_capture_on_commit_callbacks(execute=True):
        guideline_services.policy_acknowledge(actor=member, version=v1)
        guideline_services.policy_acknowledge(actor=member, version=v1)
    v2 = guideline_services.policy_version_draft_save(
        actor=admin, document=document, body_markdown="Be kinder."
    )
    guideline_services.policy_version_publish(
        actor=admin, version=v2, requires_reacknowledgement=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        guideline_services.policy_acknowledge(actor=member, version=v2)
    assert [(e.action, e.points) for e in _entries(member)] == [
        (PointsAction.POLICY_ACKNOWLEDGED, 5)
    ]


def test_an_accepted_invitation_credits_the_inviter_once(world, django_capture_on_commit_callbacks):
    from advocacy.services.invitation_acceptance import invitation_accept
    from tests.factories import InvitationFactory, UserFactory

    inviter = world.a.members[Role.ADMIN]
    newcomer = UserFactory.create(email="new@example.com")
    invitation = InvitationFactory.create(
        organization=world.a.org, email="new@example.com", invited_by=inviter.user
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitation_accept(invitation=invitation, user=newcomer)
    scoring.points_score_invitation_accepted(organization=world.a.org, invitation_id=invitation.pk)
    assert [(e.action, e.points) for e in _entries(inviter)] == [
        (PointsAction.INVITATION_ACCEPTED, 15)
    ]


def test_weekly_streak_once_per_member_per_week(member):
    org = member.organization
    now = datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("UTC"))  # a Wednesday
    for days_ago in (3, 10):  # Sunday of last week (W47), Sunday of the week before (W46)
        ShareFactory.create(
            membership=member,
            state=ShareState.PUBLISHED,
            published_at=now - timedelta(days=days_ago),
        )
    other = MembershipFactory.create(organization=org)
    ShareFactory.create(
        membership=other, state=ShareState.PUBLISHED, published_at=now - timedelta(days=3)
    )
    scoring.points_score_weekly_streaks(organization=org, now=now)
    scoring.points_score_weekly_streaks(organization=org, now=now + timedelta(hours=1))
    [entry] = PointsEntry.objects.filter(action=PointsAction.WEEKLY_STREAK)
    assert entry.membership_id == member.pk
    assert entry.object_id == "2026-W47" and entry.points == 20
    assert entry.occurred_at < datetime(2026, 11, 23, tzinfo=ZoneInfo("UTC"))


def test_inactive_members_and_other_tenants_score_nothing(world, member):
    member.is_active = False
    member.save()
    share = ShareFactory.create(membership=member, state=ShareState.PUBLISHED)
    assert (
        scoring.points_score_share_published(organization=member.organization, share_id=share.pk)
        == []
    )
    # Tenant B's scoring cannot reach tenant A's share.
    active = ShareFactory.create(
        membership=world.a.members[Role.MANAGER], state=ShareState.PUBLISHED
    )
    assert scoring.points_score_share_published(organization=world.b.org, share_id=active.pk) == []


def test_batch_append_keeps_balances_in_step_and_sends_once(
    member, django_capture_on_commit_callbacks
):
    seen = []

    def receiver(sender, organization_id, entries, **kwargs):
        seen.append(len(entries))

    points_recorded.connect(receiver)
    now = timezone.now()
    drafts = [
        PointsDraft(member.pk, PointsAction.HUMAN_CLICK, 3, "k1", now),
        PointsDraft(member.pk, PointsAction.HUMAN_CLICK, 4, "k2", now),
        PointsDraft(member.pk, PointsAction.HUMAN_CLICK, 5, "k1", now),  # same fact
    ]
    try:
        with django_capture_on_commit_callbacks(execute=True):
            entries = points_entries_append(organization_id=member.organization_id, drafts=drafts)
            again = points_entries_append(organization_id=member.organization_id, drafts=drafts)
    finally:
        points_recorded.disconnect(receiver)
    assert [e.points for e in entries] == [3, 4] and again == []
    assert _balance(member) == (7, 7)
    assert seen == [2]
    with pytest.raises(ValueError):
        points_entries_append(
            organization_id=member.organization_id,
            drafts=[PointsDraft(member.pk, PointsAction.HUMAN_CLICK, -1, "neg", now)],
        )


@pytest.mark.django_db(transaction=True)
def test_two_workers_scoring_the_same_clicks_record_them_once(postgres_only):
    member = MembershipFactory.create()
    shares = [ShareFactory.create(membership=member, state=ShareState.PUBLISHED) for _ in range(3)]
    Share.objects.filter(pk__in=[s.pk for s in shares]).update(clicks=12, reactions=4)
    ids = [s.pk for s in shares]
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def work() -> None:
        barrier.wait()
        try:
            scoring.points_score_clicks(organization=member.organization, share_ids=ids)
            scoring.points_score_engagement(organization=member.organization, share_ids=ids)
            scoring.points_score_share_published(organization=member.organization, share_id=ids[0])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    by_action: dict[str, list[int]] = {}
    for e in PointsEntry.objects.filter(membership=member):
        by_action.setdefault(e.action, []).append(e.points)
    assert sorted(by_action[PointsAction.HUMAN_CLICK]) == [12, 12, 12]
    assert sorted(by_action[PointsAction.ENGAGEMENT]) == [8, 8, 8]
    assert by_action[PointsAction.SHARE_PUBLISHED] == [10]
    balance = PointsBalance.objects.get(membership=member)
    assert balance.lifetime == 36 + 24 + 10 == balance.spendable
