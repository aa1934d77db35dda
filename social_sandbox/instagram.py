"""Instagram API with Instagram Login: the profile, media containers and publishing (with
the 24-hour publishing limit), media listing, insights, and the public permalink page of a
published post. Graph plumbing shared with Facebook is in ``graph.py``."""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING, Any

from social_sandbox import engagement
from social_sandbox.app import VER
from social_sandbox.errors import graph_error
from social_sandbox.faults import ig_quota_error
from social_sandbox.graph import (
    graph_routes,
    graph_time,
    graph_token,
    insights_answer,
    insights_not_ready,
    is_true,
    metric_names,
    not_found,
    paginate,
    pick,
    refused_image,
    requested_fields,
)
from social_sandbox.web import Response, esc, page

if TYPE_CHECKING:
    from social_sandbox.app import Ctx, Router

IG = "/instagram/graph" + VER
IG_MEDIA_METRICS = [
    "views",
    "reach",
    "likes",
    "comments",
    "shares",
    "saved",
    "total_interactions",
    "follows",
    "profile_visits",
    "profile_activity",
]
IG_METRIC_TITLES = {
    "views": "Views",
    "reach": "Accounts reached",
    "likes": "Likes",
    "comments": "Comments",
    "shares": "Shares",
    "saved": "Saved",
    "total_interactions": "Interactions",
    "follows": "Follows",
    "profile_visits": "Profile visits",
    "profile_activity": "Profile activity",
}


def register(router: Router) -> None:
    ig = graph_routes(router, IG, "instagram")

    ig("GET", r"/me", ig_me, "me")
    ig("POST", r"/(?P<account>\d+)/media", ig_create_container, "media.create")
    ig("GET", r"/(?P<account>\d+)/media", ig_list_media, "media.list")
    ig("POST", r"/(?P<account>\d+)/media_publish", ig_publish, "media.publish")
    ig(
        "GET",
        r"/(?P<account>\d+)/content_publishing_limit",
        ig_publishing_limit,
        "publishing_limit",
    )
    ig("GET", r"/(?P<object_id>\d+)/insights", ig_insights, "insights")
    ig("GET", r"/(?P<object_id>\d+)", ig_object, "object.get")
    router.add(
        "GET",
        r"/instagram/www/p/(?P<shortcode>[A-Za-z0-9_-]+)/?",
        ig_permalink_page,
        endpoint="permalink",
        dialect="html",
    )


def _ig_owner_token(ctx: Ctx, account: str, *scopes: str) -> dict[str, Any]:
    token = graph_token(ctx, "instagram", *scopes)
    if token["subject"] != account:
        raise not_found(account, "post" if ctx.req.method == "POST" else "get")
    return token


def ig_me(ctx: Ctx, ver: str | None = None) -> Response:
    token = graph_token(ctx, "instagram", "instagram_business_basic")
    profile = ctx.store.profile("instagram", token["subject"])
    if profile is None:
        raise not_found(token["subject"])
    return Response.json(pick(_ig_profile_data(ctx, profile), requested_fields(ctx, "id,username")))


def _ig_profile_data(ctx: Ctx, profile: dict[str, Any]) -> dict[str, Any]:
    media = [
        m
        for m in ctx.store.state["instagram"]["media"].values()
        if m["account"] == profile["id"] and not m.get("child")
    ]
    return {
        "id": profile["id"],
        "user_id": profile["id"],
        "username": profile["username"],
        "name": profile["name"],
        "account_type": "BUSINESS",
        "followers_count": profile.get("followers", 0),
        "follows_count": 120,
        "media_count": len(media),
        "profile_picture_url": ctx.url(f"/_sandbox/avatar/{profile['id']}.svg"),
    }


def ig_create_container(ctx: Ctx, account: str, ver: str | None = None) -> Response:
    token = _ig_owner_token(ctx, account, "instagram_business_content_publish")
    store = ctx.store
    params = ctx.req.params()
    containers = store.state["instagram"]["containers"]
    media_type = (params.get("media_type") or "IMAGE").upper()
    caption = params.get("caption", "")
    if len(caption) > 2200:
        return graph_error(
            "The caption is too long: 2,200 characters at most.", 100, subcode=2207010
        )
    is_item = is_true(params.get("is_carousel_item"))
    children: list[str] = []
    if media_type == "CAROUSEL":
        children = [c.strip() for c in (params.get("children") or "").split(",") if c.strip()]
        if not 2 <= len(children) <= 10:
            return graph_error("(#100) A carousel needs between 2 and 10 children.", 100)
        for child in children:
            item = containers.get(child)
            if item is None or item["account"] != account or not item["is_carousel_item"]:
                return graph_error(
                    f"(#100) Param children[{child}] is not a carousel item container of this account.",
                    100,
                )
    elif media_type == "IMAGE":
        if not params.get("image_url"):
            return graph_error("(#100) The parameter image_url is required", 100)
    else:
        return graph_error(
            f"(#100) media_type {media_type} is not supported by the sandbox (IMAGE, CAROUSEL)", 100
        )
    container_id = str(17900000000000000 + store.next_seq())
    containers[container_id] = {
        "id": container_id,
        "account": account,
        "media_type": media_type,
        "image_url": params.get("image_url"),
        "caption": caption,
        "alt_text": params.get("alt_text"),
        "is_carousel_item": is_item,
        "children": children,
        "created_at": store.now(),
        "polls": 0,
        "published_media_id": None,
        "client_id": token["client_id"],
    }
    return Response.json({"id": container_id})


def container_status(ctx: Ctx, container: dict[str, Any]) -> str:
    store = ctx.store
    if container["published_media_id"]:
        return "PUBLISHED"
    if store.now() - container["created_at"] >= float(
        store.config["instagram_container_ttl_seconds"]
    ):
        return "EXPIRED"
    if container["media_type"] == "CAROUSEL":
        children = [store.state["instagram"]["containers"].get(c) for c in container["children"]]
        if any(
            c is None or (c["media_type"] == "IMAGE" and refused_image(c["image_url"]))
            for c in children
        ):
            return "ERROR"
    elif refused_image(container["image_url"]):
        return "ERROR"
    if container["polls"] < int(store.config["instagram_in_progress_polls"]):
        return "IN_PROGRESS"
    return "FINISHED"


STATUS_TEXT = {
    "IN_PROGRESS": "In Progress: Media is still being processed.",
    "FINISHED": "Finished: Media has been uploaded and it is ready to be published.",
    "PUBLISHED": "Published: Media has been published.",
    "EXPIRED": "Expired: The media container was not published within 24 hours.",
    "ERROR": "Error: Media download has failed. The media URI doesn't meet our requirements. (2207052)",
}


def _ig_media_data(ctx: Ctx, media: dict[str, Any]) -> dict[str, Any]:
    profile = ctx.store.profile("instagram", media["account"]) or {}
    metrics = _ig_metrics(ctx, media)
    data = {
        "id": media["id"],
        "caption": media["caption"],
        "media_type": media["media_type"],
        "media_product_type": "FEED",
        "media_url": media["media_url"],
        "permalink": ctx.url(f"/instagram/www/p/{media['shortcode']}/"),
        "shortcode": media["shortcode"],
        "timestamp": graph_time(media["created_at"]),
        "username": profile.get("username"),
        "alt_text": media.get("alt_text"),
        "like_count": metrics.reactions,
        "comments_count": metrics.comments,
        "is_comment_enabled": True,
        "owner": {"id": media["account"]},
    }
    if media.get("children"):
        data["children"] = {"data": [{"id": c} for c in media["children"]]}
    return data


def ig_object(ctx: Ctx, object_id: str, ver: str | None = None) -> Response:
    store = ctx.store
    token = graph_token(ctx, "instagram", "instagram_business_basic")
    container = store.state["instagram"]["containers"].get(object_id)
    if container is not None and container["account"] == token["subject"]:
        fields = requested_fields(ctx, "id")
        status = container_status(ctx, container)
        if status == "IN_PROGRESS" and ("status_code" in fields or "status" in fields):
            container["polls"] += 1  # this poll still sees IN_PROGRESS; a later one may not
        data = {"id": object_id, "status_code": status, "status": STATUS_TEXT[status]}
        return Response.json(pick(data, fields))
    media = store.state["instagram"]["media"].get(object_id)
    if media is not None and media["account"] == token["subject"]:
        return Response.json(pick(_ig_media_data(ctx, media), requested_fields(ctx, "id")))
    profile = store.profile("instagram", object_id)
    if profile is not None and object_id == token["subject"]:
        return Response.json(
            pick(_ig_profile_data(ctx, profile), requested_fields(ctx, "id,username"))
        )
    raise not_found(object_id)


def _published_in_window(ctx: Ctx, account: str) -> int:
    store = ctx.store
    since = store.now() - float(store.config["instagram_quota_duration"])
    return sum(
        1
        for m in store.state["instagram"]["media"].values()
        if m["account"] == account and not m.get("child") and m["created_at"] > since
    )


def ig_publish(ctx: Ctx, account: str, ver: str | None = None) -> Response:
    token = _ig_owner_token(ctx, account, "instagram_business_content_publish")
    store = ctx.store
    creation_id = ctx.req.params().get("creation_id")
    if not creation_id:
        return graph_error("(#100) The parameter creation_id is required", 100)
    container = store.state["instagram"]["containers"].get(creation_id)
    if container is None or container["account"] != account or container["is_carousel_item"]:
        return graph_error(
            "Media ID is not available",
            9007,
            subcode=2207027,
            user_title="Media not found",
            user_msg="The media container does not exist for this account.",
        )
    status = container_status(ctx, container)
    if status == "ERROR":
        return graph_error(
            "Media download has failed. The media URI doesn't meet our requirements.",
            9004,
            subcode=2207052,
            user_title="Media download has failed",
            user_msg="The media could not be fetched from the URI.",
        )
    if status == "EXPIRED":
        return graph_error(
            "The media container has expired.",
            9007,
            subcode=2207008,
            user_title="Media expired",
            user_msg="Containers must be published within 24 hours of their creation.",
        )
    if status != "FINISHED":
        return graph_error(
            "Media ID is not available",
            9007,
            subcode=2207027,
            user_title="Media not ready",
            user_msg="The media is not ready for publishing, please wait for a moment",
        )
    if _published_in_window(ctx, account) >= int(store.config["instagram_quota_total"]):
        return ig_quota_error()
    profile = store.profile("instagram", account) or {}
    now = store.now()
    media_store = store.state["instagram"]["media"]

    def new_media(source: dict[str, Any], *, child: bool, children: list[str] | None = None) -> str:
        media_id = str(17950000000000000 + store.next_seq())
        shortcode = (
            base64.urlsafe_b64encode(hashlib.sha256(media_id.encode()).digest()[:8])
            .decode()
            .rstrip("=")
        )
        media_store[media_id] = {
            "id": media_id,
            "account": account,
            "media_type": "CAROUSEL_ALBUM" if source["media_type"] == "CAROUSEL" else "IMAGE",
            "media_url": source.get("image_url"),
            "caption": source.get("caption", ""),
            "alt_text": source.get("alt_text"),
            "children": children or [],
            "child": child,
            "container_id": source["id"],
            "shortcode": shortcode,
            "created_at": now,
            "audience": int(profile.get("followers", 0)),
            "client_id": token["client_id"],
        }
        return media_id

    children = []
    for child_id in container["children"]:
        child = store.state["instagram"]["containers"][child_id]
        children.append(new_media(child, child=True))
        child["published_media_id"] = children[-1]
    media_id = new_media(container, child=False, children=children)
    container["published_media_id"] = media_id
    return Response.json({"id": media_id})


def ig_list_media(ctx: Ctx, account: str, ver: str | None = None) -> Response:
    _ig_owner_token(ctx, account, "instagram_business_basic")
    fields = requested_fields(ctx, "id")
    media = [
        m
        for m in ctx.store.state["instagram"]["media"].values()
        if m["account"] == account and not m.get("child")
    ]
    media.sort(key=lambda m: (m["created_at"], m["id"]), reverse=True)
    return Response.json(paginate(ctx, [pick(_ig_media_data(ctx, m), fields) for m in media]))


def ig_publishing_limit(ctx: Ctx, account: str, ver: str | None = None) -> Response:
    _ig_owner_token(ctx, account, "instagram_business_basic")
    store = ctx.store
    fields = requested_fields(ctx, "quota_usage")
    entry: dict[str, Any] = {}
    if "quota_usage" in fields:
        entry["quota_usage"] = _published_in_window(ctx, account)
    if "config" in fields:
        entry["config"] = {
            "quota_total": int(store.config["instagram_quota_total"]),
            "quota_duration": int(store.config["instagram_quota_duration"]),
        }
    return Response.json({"data": [entry]})


def _ig_metrics(ctx: Ctx, media: dict[str, Any]) -> engagement.Metrics:
    return engagement.metrics(media["id"], media["created_at"], media["audience"], ctx.now())


def ig_insights(ctx: Ctx, object_id: str, ver: str | None = None) -> Response:
    token = graph_token(ctx, "instagram", "instagram_business_manage_insights")
    media = ctx.store.state["instagram"]["media"].get(object_id)
    if media is None or media["account"] != token["subject"]:
        raise not_found(object_id)
    names = metric_names(ctx, IG_MEDIA_METRICS, None)
    if insights_not_ready(ctx, media["created_at"]):
        return Response.json({"data": []})
    m = _ig_metrics(ctx, media)
    values = {
        "views": m.impressions,
        "reach": m.reached,
        "likes": m.reactions,
        "comments": m.comments,
        "shares": m.reshares,
        "saved": m.saves,
        "total_interactions": m.reactions + m.comments + m.reshares + m.saves,
        "follows": m.reshares // 2,
        "profile_visits": m.clicks,
        "profile_activity": m.clicks + m.reshares // 2,
    }
    return insights_answer(object_id, names, values, IG_METRIC_TITLES)


def ig_permalink_page(ctx: Ctx, shortcode: str) -> Response:
    for media in ctx.store.state["instagram"]["media"].values():
        if media["shortcode"] == shortcode and not media.get("child"):
            profile = ctx.store.profile("instagram", media["account"]) or {}
            body = (
                f"<h1>@{esc(profile.get('username'))}</h1>"
                f'<div class="preview"><p class="muted">{esc(media["media_type"])} · {esc(graph_time(media["created_at"]))}</p>'
                f"<p>Image: <code>{esc(media['media_url'] or 'carousel')}</code></p>"
                f"<p>{esc(media['caption'])}</p></div>"
            )
            return Response.html(page("Instagram post", body, brand="Instagram"))
    return Response.html(
        page("Not found", "<h1>Sorry, this page isn't available.</h1>", brand="Instagram"), 404
    )
