"""The contract every network connector fulfils, and the typed errors they raise.

Connectors speak the network's real HTTP API (see ../shared/design/SOCIAL_APIS.md)
through one ``requests``-based client with timeouts. They never touch the database:
they take plain values (tokens, ids, texts) and return dataclasses; the publishing,
account and metrics code around them decides what to store.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime

# --- Errors --------------------------------------------------------------------------


class ConnectorError(Exception):
    """Base of every connector error; ``message`` is safe to show the member."""

    def __init__(self, message: str, *, code: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


class Transient(ConnectorError):
    """5xx, connection error, Graph codes 1/2: retry with backoff."""


class RateLimited(ConnectorError):
    """429 / Graph 4, 17, 32, 341, 613: wait until ``retry_after`` seconds have passed."""

    def __init__(
        self, message: str, *, retry_after: float, scope: str = "app", **kw: object
    ) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.retry_after = retry_after
        self.scope = scope  # "app" or "account"


class ReauthRequired(ConnectorError):
    """Token expired or revoked (LinkedIn 401/65601, Graph 190): the member must reconnect."""


class PermissionMissing(ReauthRequired):
    """A scope is missing (LinkedIn 403/100, Graph 10, 200-299): reconnect with the right scopes."""


class Rejected(ConnectorError):
    """The network refused the content (validation, policy, bad media): fail with its message."""


class Duplicate(Rejected):
    """The network says this post already exists (LinkedIn 422 DUPLICATE_POST, Graph 506). Never retry.

    ``existing_id`` is the post the network names as the original, when it names one (LinkedIn:
    "Content is a duplicate of urn:li:share:…"), with its ``permalink``: for a share whose earlier
    attempt got no answer, that is proof the earlier attempt published it.
    """

    def __init__(
        self, message: str, *, existing_id: str = "", permalink: str = "", **kw: object
    ) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.existing_id = existing_id
        self.permalink = permalink


class QuotaExceeded(RateLimited):
    """Instagram's publishing quota (subcode 2207042): reschedule after the window."""


class UnknownOutcome(ConnectorError):
    """The create call may or may not have happened (timeout, dropped connection, 504).

    Never re-send blindly: reconcile with ``find_published`` first.
    """


# --- Values ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    expires_at: datetime | None
    refresh_token: str | None = None
    refresh_expires_at: datetime | None = None
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Profile:
    external_id: str
    display_name: str
    kind: str  # social.models.AccountKind value
    profile_url: str = ""
    avatar_url: str = ""
    audience_size: int | None = None
    access_token: str | None = None  # page tokens come with the profile
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PostContent:
    """What to publish, already decided by Chorus (caption as checked, tracked link, preview)."""

    caption: str
    link_url: str = ""  # the tracked link
    title: str = ""
    description: str = ""
    thumbnail_url: str = ""  # preview image (LinkedIn uploads it; Instagram needs it public)
    image_urls: tuple[str, ...] = ()
    alt_text: str = ""
    hashtag: str = ""


@dataclass(frozen=True)
class PublishResult:
    external_id: str
    permalink: str = ""
    #: Set when the network publishes asynchronously (an Instagram container still processing):
    #: call ``poll_pending`` later with it.
    pending_id: str = ""


@dataclass(frozen=True)
class Metrics:
    """``None`` means the network does not report that metric (stored as unknown, not 0)."""

    impressions: int | None = None
    reach: int | None = None
    reactions: int | None = None
    comments: int | None = None
    reshares: int | None = None
    saves: int | None = None
    video_views: int | None = None
    #: All interactions as the network counts them (Instagram's ``total_interactions``).
    interactions: int | None = None


@dataclass(frozen=True)
class AccountRef:
    """The account a call acts as: the network's id for it and a decrypted token."""

    external_id: str
    access_token: str
    extra: dict = field(default_factory=dict)
    #: The permissions the member granted (what reconciliation may use, e.g. r_member_social).
    scopes: tuple[str, ...] = ()


# --- The interface -----------------------------------------------------------------


class Posting:
    """How a connector gets a post onto its network (``Connector.posting``)."""

    API = "api"  # Chorus posts as a linked account
    DIALOG = "dialog"  # the member posts in the network's share dialog (Facebook profiles)
    INTENT = "intent"  # the member posts through the network's post intent (X)


class Connector(ABC):
    """One network (or one kind of account on it). The class attributes below are the one
    declaration of *how* Chorus posts there; composer, share rules, publishing and the API
    read them through ``social.connectors.registry`` instead of deciding per network."""

    network: str  # advocacy.networks.Network value
    posting: str = Posting.API
    #: Account kinds (``social.models.AccountKind`` values) Chorus posts as through the API.
    account_kinds: frozenset[str] = frozenset()
    #: The network publishes images only (an item needs an image or a preview image).
    requires_image: bool = False
    #: The share dialog shares a link (an item without a URL cannot go there).
    requires_link: bool = False
    #: Links in captions are not clickable, so the tracked link is added to the caption's end.
    link_in_caption: bool = False

    @property
    def supports_api_posting(self) -> bool:
        return self.posting == Posting.API

    @abstractmethod
    def publish(self, account: AccountRef, content: PostContent) -> PublishResult:
        """Create the post. Raises the typed errors above; ``UnknownOutcome`` when unsure."""

    def poll_pending(self, account: AccountRef, pending_id: str) -> PublishResult | None:
        """Finish an asynchronous publish; ``None`` while the network is still processing."""
        raise NotImplementedError(f"{self.network} publishes synchronously")  # pragma: no cover

    def can_find_published(self, account: AccountRef) -> bool:
        """Whether ``find_published`` may be called for ``account`` (its granted permissions
        allow reading its recent posts). When not, reconciliation waits out the late-create
        window and then relies on the network's duplicate answer (see publishing)."""
        return True

    @abstractmethod
    def find_published(
        self, account: AccountRef, content: PostContent, *, since: datetime
    ) -> PublishResult | None:
        """Reconciliation: the post matching ``content`` made since ``since``, if the network has it."""

    @abstractmethod
    def fetch_metrics(self, account: AccountRef, external_ids: list[str]) -> dict[str, Metrics]:
        """Metrics for a batch of posts of one account, keyed by external id."""

    @abstractmethod
    def refresh(self, account: AccountRef, tokens: TokenSet) -> TokenSet:
        """A fresh token where the network allows it; ``ReauthRequired`` where it does not."""
