"""Instagram Hashtag Search (the *Instagram API with Facebook Login*, on graph.facebook.com).

``GET /ig_hashtag_search?user_id&q`` -> ``{"data": [{"id"}]}`` (hashtag ids are static and
global); ``GET /{hashtag-id}/recent_media`` (public posts of the last 24 hours, newest first)
and ``/top_media`` (the most liked); ``GET /{ig-user-id}/recently_searched_hashtags``.

The token is a Facebook user token with ``instagram_basic``; ``user_id`` must be the Instagram
business account linked to a page that user manages. Each account may query at most 30 unique
hashtags in a rolling 7 days, counted from a hashtag's first query (a repeat neither counts
again nor restarts its 7 days); the 31st answers Graph error 18. Emoji and other characters
that are not letters, digits or ``_`` are refused (error 24, "cannot be searched").

Public media is seeded through the admin API: ``POST /_sandbox/instagram/public_media`` with
``{"media": [{"caption", "media_type"?, "like_count"?, "timestamp"? (epoch), "id"?}]}``.
Hashtag media carries no owner or username (the real API does not give them either).
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any

from social_sandbox.app import VER
from social_sandbox.errors import graph_error
from social_sandbox.graph import (
    graph_routes,
    graph_time,
    graph_token,
    not_found,
    paginate,
    pick,
    requested_fields,
)
from social_sandbox.web import HttpError, Response

if TYPE_CHECKING:
    from social_sandbox.app import Ctx, Router

FB = "/graph" + VER
LIMIT = 30
WINDOW_SECONDS = 7 * 86400
RECENT_SECONDS = 86400
TOP_MEDIA_SIZE = 50
MEDIA_FIELDS = {
    "id",
    "caption",
    "media_type",
    "media_url",
    "permalink",
    "timestamp",
    "like_count",
    "comments_count",
    "children",
}
#: A searchable hashtag: letters, marks, digits and ``_`` only (no emoji).
_SEARCHABLE = re.compile(r"^[^\W]{1,100}$")
_TAG = re.compile(r"(?<![\w#])#(\w{1,100})(?!\w)")


def register(router: Router) -> None:
    fb = graph_routes(router, FB, "facebook")
    fb("GET", r"/ig_hashtag_search", hashtag_search, "ig_hashtag_search")
    fb(
        "GET",
        r"/(?P<hashtag_id>\d+)/(?P<edge>recent_media|top_media)",
        hashtag_media,
        "ig_hashtag.media",
    )
    fb(
        "GET",
        r"/(?P<user_id>\d+)/recently_searched_hashtags",
        recently_searched,
        "ig_user.recently_searched_hashtags",
    )
    router.add(
        "POST", r"/_sandbox/instagram/public_media", seed_public_media, endpoint="ig.public_media"
    )


def _section(ctx: Ctx) -> dict[str, Any]:
    return ctx.store.state.setdefault("ig_hashtags", {"searches": {}, "tags": {}, "media": {}})


def hashtag_id_of(tag: str) -> str:
    """Static and global, as Instagram's are: the same id for every app and account."""
    digest = int(hashlib.sha256(tag.casefold().encode()).hexdigest(), 16)
    return "178" + str(digest % 10**14).zfill(14)


def _business_user(ctx: Ctx, token: dict[str, Any]) -> str:
    """The ``user_id`` parameter, checked to be a business account the token's user reaches."""
    user_id = ctx.req.params().get("user_id")
    if not user_id:
        raise HttpError(graph_error("(#100) The parameter user_id is required", 100))
    profile = ctx.store.profile("facebook", token["subject"]) or {"pages": []}
    linked = {p.get("instagram_business_account") for p in profile.get("pages", [])}
    if user_id not in linked:
        raise not_found(user_id)
    return user_id


def _window(ctx: Ctx, user_id: str) -> dict[str, float]:
    """The account's hashtags still counting against its limit: {tag: first query time}."""
    searches = _section(ctx)["searches"].setdefault(user_id, {})
    now = ctx.now()
    for tag in [t for t, at in searches.items() if now - at >= WINDOW_SECONDS]:
        del searches[tag]
    return searches


def hashtag_search(ctx: Ctx, ver: str | None = None) -> Response:
    token = graph_token(ctx, "facebook", "instagram_basic")
    user_id = _business_user(ctx, token)
    query = (ctx.req.params().get("q") or "").strip().lstrip("#")
    if not query:
        return graph_error("(#100) The parameter q is required", 100)
    if not _SEARCHABLE.match(query):
        return graph_error(
            "(#24) The hashtag cannot be searched",
            24,
            user_title="Hashtag not supported",
            user_msg="Hashtags with emoji or punctuation cannot be searched.",
        )
    tag = query.casefold()
    searches = _window(ctx, user_id)
    if tag not in searches:
        if len(searches) >= LIMIT:
            return graph_error(
                "(#18) This Instagram account has reached its limit of 30 unique hashtags "
                "searched in 7 days",
                18,
                user_title="Hashtag search limit reached",
                user_msg=("You can query at most 30 unique hashtags in a rolling 7-day period."),
            )
        searches[tag] = ctx.now()
    hashtag_id = hashtag_id_of(tag)
    _section(ctx)["tags"][hashtag_id] = tag
    return Response.json({"data": [{"id": hashtag_id}]})


def _tags_of(caption: str) -> set[str]:
    return {m.casefold() for m in _TAG.findall(caption or "")}


def _media_data(ctx: Ctx, media: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": media["id"],
        "caption": media.get("caption", ""),
        "media_type": media.get("media_type", "IMAGE"),
        "media_url": ctx.url(f"/_sandbox/avatar/{media['id']}.svg"),
        "permalink": ctx.url(f"/instagram/www/p/{media['id']}/"),
        "timestamp": graph_time(media["timestamp"]),
        "like_count": media.get("like_count", 0),
        "comments_count": media.get("comments_count", 0),
    }


def hashtag_media(ctx: Ctx, hashtag_id: str, edge: str, ver: str | None = None) -> Response:
    token = graph_token(ctx, "facebook", "instagram_basic")
    user_id = _business_user(ctx, token)
    tag = _section(ctx)["tags"].get(hashtag_id)
    if tag is None:
        raise not_found(hashtag_id)
    if tag not in _window(ctx, user_id):
        # Only hashtags this account searched (and still counts) can be read.
        return graph_error(
            "(#100) The hashtag has not been searched by this user in the last 7 days", 100
        )
    fields = requested_fields(ctx, "id")
    unknown = [f for f in fields if f not in MEDIA_FIELDS]
    if unknown:
        return graph_error(
            f"(#100) Tried accessing nonexisting field ({unknown[0]}) on node type (ShadowIGMedia)",
            100,
        )
    now = ctx.now()
    found = [m for m in _section(ctx)["media"].values() if tag in _tags_of(m.get("caption", ""))]
    if edge == "recent_media":
        found = [m for m in found if now - RECENT_SECONDS <= m["timestamp"] <= now]
        found.sort(key=lambda m: (m["timestamp"], m["id"]), reverse=True)
    else:
        found.sort(key=lambda m: (m.get("like_count", 0), m["timestamp"]), reverse=True)
        found = found[:TOP_MEDIA_SIZE]
    return Response.json(paginate(ctx, [pick(_media_data(ctx, m), fields) for m in found]))


def recently_searched(ctx: Ctx, user_id: str, ver: str | None = None) -> Response:
    token = graph_token(ctx, "facebook", "instagram_basic")
    profile = ctx.store.profile("facebook", token["subject"]) or {"pages": []}
    if user_id not in {p.get("instagram_business_account") for p in profile.get("pages", [])}:
        raise not_found(user_id)
    searches = _window(ctx, user_id)
    items = [
        {"id": hashtag_id_of(tag), "name": tag}
        for tag, _at in sorted(searches.items(), key=lambda kv: kv[1])
    ]
    return Response.json(paginate(ctx, items))


def seed_public_media(ctx: Ctx) -> Response:
    """Add public posts (anyone's) that Hashtag Search will find."""
    try:
        body = ctx.req.json()
    except ValueError:
        return Response.json({"error": "the body must be JSON"}, status=400)
    entries = body.get("media") if isinstance(body, dict) else None
    if not isinstance(entries, list):
        return Response.json({"error": "media must be a list"}, status=400)
    section = _section(ctx)
    added = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("caption"), str):
            return Response.json({"error": "each media needs a caption"}, status=400)
        media_id = str(entry.get("id") or f"1790000{ctx.store.next_seq():010d}")
        record = {
            "id": media_id,
            "caption": entry["caption"],
            "media_type": str(entry.get("media_type") or "IMAGE"),
            "like_count": int(entry.get("like_count") or 0),
            "comments_count": int(entry.get("comments_count") or 0),
            "timestamp": float(entry.get("timestamp") or ctx.now()),
        }
        section["media"][media_id] = record
        added.append(record)
    return Response.json({"media": added}, status=201)
