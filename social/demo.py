"""Demo data for sharing: linked LinkedIn accounts, a few weeks of published shares with
tracked links, clicks (people and preview bots) and metric snapshots.

Everything goes through the sandbox over HTTP, as in production: each demo member gets a
LinkedIn profile in the sandbox and connects it through OAuth (so the token is one the
sandbox really issued), the shares are really posted there (with the sandbox clock set to
when each was published, so the simulated engagement has grown since), and the snapshots
are what the sandbox answers to ``social.services.metrics`` at points in the past.

Which sandbox: the one at ``SOCIAL_SANDBOX_URL`` when it answers; otherwise (``make run``
seeds before it starts its children) one started in this process from the state file that
``make run``'s sandbox then loads (``var/sandbox.json``, social.processes; written once when
seeding ends), answering as the URL ``make run`` will serve it at. Either way the demo
accounts can post for real once ``make run`` is up. (Running ``seed_demo`` by hand while
``make run`` is up: set ``SOCIAL_SANDBOX_URL`` to its sandbox, or its state file wins.)
Clicks are inserted in bulk (already counted).

Idempotent: accounts are reused while the sandbox still knows their token (reconnected
otherwise); an (item, account) pair that has a share is never shared again.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import random
import secrets
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

import requests
from django.conf import settings
from django.test.utils import override_settings
from django.utils import timezone

from advocacy.models import Membership, Organization
from advocacy.networks import Network
from content_library.models import ContentItem
from social_sandbox.mapping import bases as sandbox_bases

from .connectors.base import ConnectorError, PostContent
from .connectors.registry import connector_for
from .models import (
    AccountKind,
    AccountStatus,
    ClickEvent,
    NetworkAccount,
    Share,
    ShareEvent,
    ShareMethod,
    ShareState,
    TrackedLink,
)
from .processes import default_sandbox_url, sandbox_state_file
from .services.links import tracked_link_create, tracked_link_url
from .services.metrics import metrics_refresh_shares, next_metrics_time
from .services.posts import account_ref

log = logging.getLogger(__name__)

CLIENT_ID = "chorus-sandbox-client"
CLIENT_SECRET = "chorus-sandbox-secret"  # noqa: S105 - the sandbox's public demo credential
REDIRECT_URI = "http://127.0.0.1/demo-seed/callback"
SCOPES = "openid profile email w_member_social r_member_postAnalytics"
#: Demo members with a linked LinkedIn account per organization, and shares each.
LINKED_MEMBERS = 4
SHARES_PER_MEMBER = 5
HISTORY_DAYS = 21
#: When the snapshots are taken, in days before now (only for shares published by then).
SNAPSHOT_DAYS_AGO = (14, 7, 3, 1, 0)
BOT_NAMES = ("LinkedInBot", "Slackbot", "facebookexternalhit", "Twitterbot", "WhatsApp")
REFERRERS = ("linkedin", "linkedin", "linkedin", "", "", "other", "facebook", "x")
COUNTRIES = ("LT", "LT", "LV", "EE", "DE", "FI", "PL", "SE", "US", "")


# ---- the sandbox -----------------------------------------------------------------------------


def _answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/_sandbox/", timeout=2).ok
    except requests.RequestException:
        return False


@contextlib.contextmanager
def sandbox_session() -> Iterator[str]:
    """The sandbox to seed through (its URL), with Chorus's network settings pointed at it."""
    url = settings.SOCIAL_SANDBOX_URL
    stop = None
    if not (url and _answers(url)):
        from social_sandbox.server import make_server
        from social_sandbox.store import Store

        state_file = sandbox_state_file()
        store = Store(state_file=state_file)  # what make run's sandbox kept, if anything
        store.state_file = None  # in memory while seeding; written once at the end
        server, app = make_server("127.0.0.1", 0, store=store, public_url=default_sandbox_url())
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.daemon = True
        thread.start()
        url = f"http://127.0.0.1:{server.server_address[1]}"

        def stop() -> None:
            app.stopping.set()
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
            store.state_file = state_file
            store.save()

    # Posts are made with the clock weeks in the past: accept our API version meanwhile.
    window = _admin(url, "GET", "config").get("linkedin_version_window_months", 12)
    _admin(url, "POST", "config", json={"linkedin_version_window_months": 0})
    try:
        with override_settings(
            SOCIAL_SANDBOX_URL=url,
            NETWORK_BASES=sandbox_bases(url),
            LINKEDIN_CLIENT_ID=CLIENT_ID,
            LINKEDIN_CLIENT_SECRET=CLIENT_SECRET,
        ):
            yield url
    finally:
        with contextlib.suppress(requests.RequestException):
            _admin(url, "POST", "clock", json={"reset": True})
            _admin(url, "POST", "config", json={"linkedin_version_window_months": window})
        if stop is not None:
            stop()


def _admin(url: str, method: str, path: str, **kw: Any) -> Any:
    response = requests.request(method, f"{url}/_sandbox/{path}", timeout=10, **kw)
    response.raise_for_status()
    return response.json() if response.content else None


def _clock(url: str, at: datetime) -> None:
    _admin(url, "POST", "clock", json={"fixed": at.astimezone(UTC).isoformat()})


def _profile_id(membership: Membership) -> str:
    return "demo" + hashlib.sha256(membership.user.email.encode()).hexdigest()[:10]


def linkedin_connect(url: str, membership: Membership) -> dict[str, Any]:
    """A LinkedIn profile for the member in the sandbox, connected through OAuth."""
    profile_id = _profile_id(membership)
    known = {p["id"] for p in _admin(url, "GET", "profiles")["linkedin"]}
    followers = random.Random(profile_id).choice((180, 420, 900, 1500, 3200, 7800))
    if profile_id not in known:
        _admin(
            url,
            "POST",
            "profiles",
            json={
                "network": "linkedin",
                "id": profile_id,
                "name": membership.user.name or membership.user.email,
                "email": membership.user.email,
                "followers": followers,
                "connections": followers // 2,
            },
        )
    oauth = sandbox_bases(url)["LINKEDIN_OAUTH_BASE"]
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "state": secrets.token_urlsafe(8),
        "scope": SCOPES,
    }
    answer = requests.post(
        f"{oauth}/v2/authorization",
        data={**params, "decision": "approve", "profile_id": profile_id},
        allow_redirects=False,
        timeout=10,
    )
    answer.raise_for_status()
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    token = requests.post(
        f"{oauth}/v2/accessToken",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
        timeout=10,
    )
    token.raise_for_status()
    profile = next(p for p in _admin(url, "GET", "profiles")["linkedin"] if p["id"] == profile_id)
    return {"id": profile_id, "profile": profile, **token.json()}


def _token_known(url: str, account: NetworkAccount) -> bool:
    try:
        info = _admin(url, "GET", f"tokens/{account.access_token}")
    except requests.RequestException:
        return False
    return info.get("status") == "valid"


def _account_ensure(url: str, membership: Membership) -> NetworkAccount:
    existing = NetworkAccount.objects.filter(
        user=membership.user, network=Network.LINKEDIN, external_id=_profile_id(membership)
    ).first()
    if existing and existing.is_usable and _token_known(url, existing):
        return existing
    connected = linkedin_connect(url, membership)
    now = timezone.now()
    account = existing or NetworkAccount(
        user=membership.user, network=Network.LINKEDIN, external_id=connected["id"]
    )
    account.kind = AccountKind.MEMBER
    account.display_name = connected["profile"].get("name", "")
    account.audience_size = connected["profile"].get("followers")
    account.audience_updated_at = now
    account.scopes = sorted(connected.get("scope", "").split(","))
    account.extra = {"author_urn": f"urn:li:person:{connected['id']}"}
    account.status = AccountStatus.CONNECTED
    account.status_reason = ""
    account.set_tokens(
        access_token=connected["access_token"],
        expires_at=now + timedelta(seconds=int(connected["expires_in"])),
    )
    account.last_refreshed_at = now
    account.save()
    return account


# ---- shares, links, clicks, metrics ----------------------------------------------------------


def _clicks(link: TrackedLink, share: Share, now: datetime, rng: random.Random) -> list[ClickEvent]:
    events = []
    assert share.published_at is not None
    span = max((now - share.published_at).total_seconds(), 60.0)
    people = rng.randint(2, 35)
    bots = rng.randint(1, 5)
    for n in range(people + bots):
        is_bot = n >= people
        # Most clicks come early: square the uniform draw.
        at = share.published_at + timedelta(seconds=span * rng.random() ** 2)
        events.append(
            ClickEvent(
                event_id=uuid.uuid4(),
                organization_id=share.organization_id,
                link=link,
                share=share,
                occurred_at=at,
                is_bot=is_bot,
                bot_name=rng.choice(BOT_NAMES) if is_bot else "",
                referrer_network="" if is_bot else rng.choice(REFERRERS),
                country="" if is_bot else rng.choice(COUNTRIES),
                visitor_hash=hashlib.sha256(f"demo|{link.pk}|{n}".encode()).hexdigest(),
                counted=True,
            )
        )
    link.human_clicks, link.bot_clicks = people, bots
    share.clicks = people
    return events


def _share_publish(
    url: str,
    *,
    organization: Organization,
    membership: Membership,
    account: NetworkAccount,
    item: ContentItem,
    at: datetime,
) -> Share | None:
    caption = (item.body or item.title)[:1200]
    share = Share.objects.create(
        organization=organization,
        membership=membership,
        item=item,
        account=account,
        network=Network.LINKEDIN,
        method=ShareMethod.API,
        caption=caption,
        state=ShareState.PUBLISHING,
        created_at=at,
    )
    link = tracked_link_create(share=share)
    _clock(url, at)
    try:
        posted = connector_for(Network.LINKEDIN).publish(
            account_ref(account),
            PostContent(
                caption=caption,
                link_url=tracked_link_url(link),
                title=item.title,
                description=(item.body or "")[:200],
            ),
        )
    except ConnectorError as exc:
        log.warning("demo share of item %s not posted: %s", item.pk, exc)
        share.delete()
        return None
    share.state = ShareState.PUBLISHED
    share.external_id = posted.external_id
    share.permalink = posted.permalink
    share.published_at = at
    share.attempts = 1
    share.next_metrics_at = at + timedelta(hours=1)
    share.save()
    ShareEvent.objects.bulk_create(
        [
            ShareEvent(
                organization=organization,
                share=share,
                at=at,
                from_state=ShareState.QUEUED,
                to_state=ShareState.PUBLISHING,
            ),
            ShareEvent(
                organization=organization,
                share=share,
                at=at,
                from_state=ShareState.PUBLISHING,
                to_state=ShareState.PUBLISHED,
            ),
        ]
    )
    return share


def _mark_shared(share: Share) -> None:
    try:
        from content_library.services.share_marks import item_share_mark_record
    except ImportError:  # pragma: no cover - the content library always has it
        return
    item_share_mark_record(
        item=share.item, membership=share.membership, network=share.network, at=share.published_at
    )


def seed(*, organization: Organization, members: Any) -> None:
    """Linked accounts, published shares with links, clicks and metrics for the demo org."""
    items = list(
        ContentItem.objects.for_org(organization)
        .exclude(url="")
        .order_by("pk")[: SHARES_PER_MEMBER * 2]
    )
    if not items:
        return
    # The printed employee login comes first, so the person a visitor signs in as has a
    # history of shares, clicks and metrics to look at.
    employees = list(members.employees)
    people = [*employees[:1], members.manager, *employees[1:]][:LINKED_MEMBERS]
    now = timezone.now()
    with sandbox_session() as url:
        new_shares: list[Share] = []
        for membership in people:
            # One generator per member: a re-run draws the same items and times.
            rng = random.Random(f"chorus-social-demo-{organization.slug}-{membership.user.email}")
            account = _account_ensure(url, membership)
            taken = set(
                Share.objects.for_org(organization)
                .filter(account=account)
                .values_list("item_id", flat=True)
            )
            chosen = rng.sample(items, k=min(SHARES_PER_MEMBER, len(items)))
            for item in chosen:
                if item.pk in taken:
                    continue
                at = now - timedelta(
                    days=rng.uniform(0.2, HISTORY_DAYS), minutes=rng.randint(0, 59)
                )
                share = _share_publish(
                    url,
                    organization=organization,
                    membership=membership,
                    account=account,
                    item=item,
                    at=at,
                )
                if share is not None:
                    new_shares.append(share)
        if not new_shares:
            return
        # Metrics as they were pulled over the weeks (real calls, sandbox clock in the past).
        for days_ago in SNAPSHOT_DAYS_AGO:
            when = now - timedelta(days=days_ago)
            ids = [s.pk for s in new_shares if s.published_at and s.published_at <= when]
            if not ids:
                continue
            _clock(url, when)
            for start in range(0, len(ids), 50):
                metrics_refresh_shares(ids[start : start + 50], now=when)
        # Clicks (bulk, already counted) and the counters they add up to.
        events: list[ClickEvent] = []
        links = {link.share_id: link for link in TrackedLink.objects.filter(share__in=new_shares)}
        rng = random.Random(f"chorus-social-demo-clicks-{organization.slug}")
        for share in new_shares:
            events += _clicks(links[share.pk], share, now, rng)
        ClickEvent.objects.bulk_create(events, batch_size=1000)
        TrackedLink.objects.bulk_update(list(links.values()), ["human_clicks", "bot_clicks"])
        for share in new_shares:
            Share.objects.filter(pk=share.pk).update(
                clicks=share.clicks,
                # Created as published above, so each has its publication time.
                next_metrics_at=next_metrics_time(cast(datetime, share.published_at), now),
            )
            _mark_shared(share)
