"""The one registry of notification events.

Each ``Event`` says who may receive it (``audience``: a capability, ``None`` for every
member), on which channels it goes by default, whether it is batched, and how its text reads.
The text is stored as the event and its parameters and rendered when it is read, in the
reader's language (``render``), so titles are lazy strings formatted with ``params``.

Adding an event is one entry here and one call where it happens::

    EVENT = register(Event(kind="campaign_launched", label=_("A campaign was launched for me"),
                           title=_("New campaign: %(name)s"), audience=Capability.VIEW_FEED,
                           default_channels=IN_APP_AND_EMAIL))
    # in the service, on commit:
    notify(event="campaign_launched", recipients=members, period=str(campaign.pk),
           params={"name": campaign.name}, link=url)
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from advocacy.networks import Network
from advocacy.permissions import Capability

from .models import Channel

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

IN_APP = frozenset({Channel.IN_APP.value})
IN_APP_AND_EMAIL = frozenset({Channel.IN_APP.value, Channel.EMAIL.value})
#: Channels a member chooses per event (chat channels belong to the organization).
MEMBER_CHANNELS: tuple[str, ...] = (Channel.IN_APP.value, Channel.EMAIL.value)


@dataclass(frozen=True)
class Event:
    kind: str
    #: What the member turns on or off on the preferences page.
    label: StrOrPromise
    #: ``%(name)s`` placeholders filled from the notification's params.
    title: Any
    body: Any = ""
    audience: Capability | None = None
    default_channels: frozenset[str] = IN_APP
    #: A batched event is sent at most once per recipient and batch window (the caller's
    #: ``period``), never once per item.
    batched: bool = False
    #: Params holding ISO dates, formatted in the reader's language.
    date_params: tuple[str, ...] = field(default=())
    #: Params holding a network code, shown as the network's (translated) name.
    network_params: tuple[str, ...] = field(default=())
    #: Posted to the organization's Slack/Teams channels that chose it (one post per
    #: channel and period, in the organization's language; ``notify_chat``).
    chat: bool = False
    #: The channel title, when the chat post reads differently from a member's notification.
    chat_title: Any = ""
    chat_body: Any = ""


EVENTS: dict[str, Event] = {}


def register(event: Event) -> Event:
    if event.kind in EVENTS:
        raise ValueError(f"notification event {event.kind!r} is registered twice")
    EVENTS[event.kind] = event
    return event


def get_event(kind: str) -> Event | None:
    return EVENTS.get(kind)


class _Params(dict):
    """Missing params render empty rather than failing a page."""

    def __missing__(self, key: str) -> str:
        return ""


def _prepared(event: Event, params: Mapping[str, Any]) -> _Params:
    values = _Params(params)
    for name in event.date_params:
        raw = values.get(name)
        if raw:
            with contextlib.suppress(ValueError):
                values[name] = formats.date_format(date.fromisoformat(str(raw)[:10]))
    for name in event.network_params:
        raw = values.get(name)
        if raw in Network.values:
            values[name] = str(Network(raw).label)
    return values


def _format(text: Any, values: _Params) -> str:
    if not text:
        return ""
    try:
        return str(text % values)
    except (TypeError, ValueError, KeyError):
        return str(text)


def render(kind: str, params: Mapping[str, Any], *, chat: bool = False) -> tuple[str, str]:
    """(title, body) of a notification in the active language (``chat``: as posted to a
    chat channel)."""
    event = get_event(kind)
    if event is None:
        return str(_("Notification")), ""
    values = _prepared(event, params)
    title = event.chat_title if chat and event.chat_title else event.title
    body = event.chat_body if chat and event.chat_body else event.body
    return _format(title, values), _format(body, values)


def chat_events() -> list[Event]:
    return [e for e in EVENTS.values() if e.chat]


# --- The events ------------------------------------------------------------------

register(
    Event(
        kind="content_new",
        label=_("New content to share"),
        title=ngettext_lazy("%(count)s new item to share", "%(count)s new items to share", "count"),
        body=_("New in your feed since the last time we told you."),
        audience=Capability.VIEW_FEED,
        default_channels=IN_APP_AND_EMAIL,
        batched=True,
        chat=True,
        chat_title=ngettext_lazy(
            "%(count)s new item to share in %(organization)s",
            "%(count)s new items to share in %(organization)s",
            "count",
        ),
        chat_body=_("Pick one and share it: your network sees it from you."),
    )
)
register(
    Event(
        kind="share_failed",
        label=_("A share of mine failed"),
        title=_("Your share of “%(item)s” on %(network)s failed"),
        body=_("Open it to see why and try again."),
        audience=Capability.SHARE_CONTENT,
        # In the app by default (the member sees it in My shares too); e-mail is a choice.
        default_channels=IN_APP,
        network_params=("network",),
    )
)
register(
    Event(
        kind="share_needs_reconnect",
        label=_("A share of mine needs a reconnected network"),
        title=_("Reconnect %(network)s to publish “%(item)s”"),
        body=_(
            "The network no longer accepts your connection. Reconnect it and the share goes out."
        ),
        audience=Capability.SHARE_CONTENT,
        # The social app already e-mails the reconnect request (social.services.outcomes).
        default_channels=IN_APP,
        network_params=("network",),
    )
)
register(
    Event(
        kind="token_expiring",
        label=_("My network connection expires soon"),
        title=_("Your %(network)s connection expires on %(date)s"),
        body=_("Reconnect it before then so your shares keep going out."),
        # The social app already e-mails this warning: in the app by default.
        default_channels=IN_APP,
        date_params=("date",),
        network_params=("network",),
    )
)
register(
    Event(
        kind="suggestion_accepted",
        label=_("My suggestion was accepted"),
        title=_("Your suggestion “%(title)s” was accepted"),
        body=_("It is in the library now, credited to you."),
        audience=Capability.SUGGEST_CONTENT,
    )
)
register(
    Event(
        kind="suggestion_declined",
        label=_("My suggestion was declined"),
        title=_("Your suggestion “%(title)s” was declined"),
        body=_("The reason: %(reason)s"),
        audience=Capability.SUGGEST_CONTENT,
        default_channels=IN_APP_AND_EMAIL,
    )
)
register(
    Event(
        kind="policy_acceptance",
        label=_("A policy needs my acceptance"),
        title=_("Please read and accept “%(title)s”"),
        body=_("Version %(number)s was published. Sharing waits until you accept it."),
        default_channels=IN_APP_AND_EMAIL,
    )
)
register(
    Event(
        kind="review_waiting",
        label=_("Content waits for my review"),
        title=_("Content is waiting for your review"),
        body=_("Open the review queue to approve it or send it back."),
        audience=Capability.APPROVE_CONTENT,
        batched=True,
    )
)
register(
    Event(
        kind="suggestion_waiting",
        label=_("A suggestion waits for review"),
        title=_("A colleague's suggestion is waiting for review"),
        body=_("Accept it into the library or tell them why not."),
        audience=Capability.APPROVE_CONTENT,
        batched=True,
    )
)
# --- Campaigns and recognition (campaigns.signals) -------------------------------------
register(
    Event(
        kind="campaign_launched",
        label=_("A campaign was launched for me"),
        title=_("New campaign: %(name)s"),
        body=_("Share its content while it runs; your shares count toward its goal."),
        audience=Capability.VIEW_FEED,
        default_channels=IN_APP_AND_EMAIL,
        chat=True,
        chat_title=_("New campaign in %(organization)s: %(name)s"),
        chat_body=_("Share its content while it runs; your shares count toward its goal."),
    )
)
register(
    Event(
        kind="raffle_won",
        label=_("I won a raffle"),
        title=_("You won the raffle “%(title)s”"),
        body=_("Your prize: %(prize)s. The draw can be checked on its public page."),
        audience=Capability.VIEW_FEED,
        default_channels=IN_APP_AND_EMAIL,
    )
)
register(
    Event(
        kind="redemption_approved",
        label=_("My reward request was approved"),
        title=_("Your request for “%(reward)s” was approved"),
        audience=Capability.VIEW_FEED,
        default_channels=IN_APP_AND_EMAIL,
    )
)
register(
    Event(
        kind="redemption_rejected",
        label=_("My reward request was rejected"),
        title=_("Your request for “%(reward)s” was rejected"),
        body=_("The reason: %(reason)s. Your points are back."),
        audience=Capability.VIEW_FEED,
        default_channels=IN_APP_AND_EMAIL,
    )
)
register(
    Event(
        kind="redemption_fulfilled",
        label=_("My reward was handed over"),
        title=_("“%(reward)s” is on its way to you"),
        audience=Capability.VIEW_FEED,
    )
)
register(
    Event(
        kind="redemption_waiting",
        label=_("A reward request waits for a decision"),
        title=_("A colleague asked for “%(reward)s”"),
        body=_("Approve or reject the request."),
        audience=Capability.MANAGE_REWARDS,
    )
)
