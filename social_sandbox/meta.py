"""Meta: the Instagram Graph API (Instagram Login), the Facebook Graph API for pages, the share
dialog, and permalink pages for what was published."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from social_sandbox import engagement
from social_sandbox.app import VER
from social_sandbox.errors import graph_error
from social_sandbox.faults import ig_quota_error
from social_sandbox.web import HttpError, Response, add_query, esc, hidden_fields, page

if TYPE_CHECKING:
    from social_sandbox.app import Ctx, Router

IG = "/instagram/graph" + VER
FB = "/graph" + VER
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
FB_POST_METRICS = [
    "post_total_media_view_unique",
    "post_media_view",
    "post_reactions_by_type_total",
    "post_clicks",
    "post_clicks_by_type",
]
METRIC_TITLES = {
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
    "post_total_media_view_unique": "Lifetime Post Total Viewers",
    "post_media_view": "Lifetime Post Media Views",
    "post_reactions_by_type_total": "Lifetime Total post Reactions by Type.",
    "post_clicks": "Lifetime Post Clicks",
    "post_clicks_by_type": "Lifetime Post Clicks by type",
}


def register(router: Router) -> None:
    def ig(methods: str | tuple[str, ...], pattern: str, handler: Any, endpoint: str) -> None:
        router.add(
            methods, IG + pattern, handler, network="instagram", endpoint=endpoint, dialect="graph"
        )

    def fb(methods: str | tuple[str, ...], pattern: str, handler: Any, endpoint: str) -> None:
        router.add(
            methods, FB + pattern, handler, network="facebook", endpoint=endpoint, dialect="graph"
        )

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

    fb("GET", r"/me", fb_me, "me")
    fb("GET", r"/me/accounts", fb_accounts, "me.accounts")
    fb("GET", r"/debug_token", fb_debug_token, "debug_token")
    fb("POST", r"/(?P<account>\d+)/feed", fb_create_post, "feed.create")
    fb("GET", r"/(?P<account>\d+)/(?:feed|posts|published_posts)", fb_list_posts, "feed.list")
    fb("POST", r"/(?P<account>\d+)/photos", fb_create_photo, "photos.create")
    fb("GET", r"/(?P<object_id>\d+_\d+)/insights", fb_insights, "insights")
    fb("GET", r"/(?P<object_id>\d+(?:_\d+)?)", fb_object, "object.get")
    fb("DELETE", r"/(?P<object_id>\d+_\d+)", fb_delete_post, "post.delete")

    router.add(
        ("GET", "POST"),
        r"/facebook/www" + VER + r"/dialog/share",
        share_dialog,
        endpoint="share.dialog",
        dialect="html",
    )
    router.add(
        "GET",
        r"/instagram/www/p/(?P<shortcode>[A-Za-z0-9_-]+)/?",
        ig_permalink_page,
        endpoint="permalink",
        dialect="html",
    )
    router.add(
        "GET",
        r"/facebook/www/(?P<page_id>\d+)/posts/(?P<post_id>\d+)/?",
        fb_permalink_page,
        endpoint="permalink",
        dialect="html",
    )


# ---- helpers --------------------------------------------------------------------------------
def graph_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def requested_fields(ctx: Ctx, default: str) -> list[str]:
    raw = ctx.req.params().get("fields") or default
    fields, depth, current = [], 0, ""
    for char in raw:
        if char in "{(":
            depth += 1
        elif char in "})":
            depth -= 1
        if char == "," and depth == 0:
            fields.append(current)
            current = ""
        else:
            current += char
    fields.append(current)
    names = []
    for field in fields:
        name = field.split("{")[0].split(".")[0].split("(")[0].strip()
        if name and name not in names:
            names.append(name)
    return names


def pick(data: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    out = {"id": data["id"]} if "id" in data else {}
    for field in fields:
        if field in data and data[field] is not None:
            out[field] = data[field]
    return out


def _cursor(index: int) -> str:
    return base64.urlsafe_b64encode(str(index).encode()).decode().rstrip("=")


def _from_cursor(value: str | None) -> int:
    if not value:
        return 0
    try:
        return int(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode())
    except ValueError:
        return 0


def paginate(ctx: Ctx, items: list[dict[str, Any]]) -> dict[str, Any]:
    params = ctx.req.params()
    try:
        limit = min(100, max(1, int(params.get("limit") or 25)))
    except ValueError:
        limit = 25
    start = _from_cursor(params.get("after"))
    chunk = items[start : start + limit]
    result: dict[str, Any] = {"data": chunk}
    if items:
        cursors = {"before": _cursor(start), "after": _cursor(start + len(chunk))}
        paging: dict[str, Any] = {"cursors": cursors}
        if start + limit < len(items):
            paging["next"] = add_query(
                ctx.url(ctx.req.path), {"limit": str(limit), "after": cursors["after"]}
            )
        result["paging"] = paging
    return result


def graph_token(ctx: Ctx, network: str, *scopes: str) -> dict[str, Any]:
    """The caller's valid token for ``network`` holding all ``scopes``."""
    store = ctx.store
    value = ctx.req.bearer() or ctx.req.params().get("access_token")
    if not value:
        raise HttpError(graph_error("An access token is required to request this resource.", 104))
    token = store.token(value)
    status = store.token_status(token)
    if token is None or token["network"] != network or token["kind"] == "refresh":
        raise HttpError(graph_error("Invalid OAuth access token - Cannot parse access token", 190))
    if status == "expired":
        when = datetime.fromtimestamp(token["expires_at"], UTC).strftime(
            "%A, %d-%b-%y %H:%M:%S UTC"
        )
        raise HttpError(
            graph_error(
                f"Error validating access token: Session has expired on {when}. The current time is "
                f"{datetime.fromtimestamp(store.now(), UTC).strftime('%A, %d-%b-%y %H:%M:%S UTC')}.",
                190,
                subcode=463,
            )
        )
    if status == "revoked":
        raise HttpError(
            graph_error(
                "Error validating access token: The user has not authorized application.",
                190,
                subcode=458,
            )
        )
    missing = [s for s in scopes if s not in token["scopes"]]
    if missing:
        if network == "instagram":
            raise HttpError(
                graph_error("Application does not have permission for this action", 10, status=403)
            )
        raise HttpError(
            graph_error(
                f"(#200) Requires {' and '.join(missing)} permission{'s' if len(missing) > 1 else ''} to manage the object",
                200,
                status=403,
            )
        )
    return token


def _not_found(object_id: str, method: str = "get") -> HttpError:
    return HttpError(
        graph_error(
            f"Unsupported {method} request. Object with ID '{object_id}' does not exist, cannot be loaded due "
            "to missing permissions, or does not support this operation. Please read the Graph API "
            "documentation at https://developers.facebook.com/docs/graph-api",
            100,
            subcode=33,
            error_type="GraphMethodException",
        )
    )


def _is_true(value: str | None) -> bool:
    return (value or "").lower() in ("true", "1")


def _http_url(value: str | None) -> bool:
    parts = urlsplit(value or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _insights_body(object_id: str, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "data": [
            {
                "name": name,
                "period": "lifetime",
                "values": [{"value": value}],
                "title": METRIC_TITLES.get(name, name),
                "description": METRIC_TITLES.get(name, name),
                "id": f"{object_id}/insights/{name}/lifetime",
            }
            for name, value in values.items()
        ]
    }


def _metric_names(ctx: Ctx, allowed: list[str], retired_message: str | None) -> list[str]:
    raw = ctx.req.params().get("metric")
    if not raw:
        raise HttpError(graph_error("(#100) The parameter metric is required", 100))
    names = [m.strip() for m in raw.split(",") if m.strip()]
    for index, name in enumerate(names):
        if name not in allowed:
            message = retired_message or (
                f"(#100) metric[{index}] must be one of the following values: {', '.join(allowed)}"
            )
            raise HttpError(graph_error(message, 100))
    return names


# ---- Instagram -------------------------------------------------------------------------------
def _ig_owner_token(ctx: Ctx, account: str, *scopes: str) -> dict[str, Any]:
    token = graph_token(ctx, "instagram", *scopes)
    if token["subject"] != account:
        raise _not_found(account, "post" if ctx.req.method == "POST" else "get")
    return token


def ig_me(ctx: Ctx, ver: str | None = None) -> Response:
    token = graph_token(ctx, "instagram", "instagram_business_basic")
    profile = ctx.store.profile("instagram", token["subject"])
    if profile is None:
        raise _not_found(token["subject"])
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


def _refused_image(url: str | None) -> bool:
    if not _http_url(url):
        return True
    return urlsplit(url or "").path.lower().endswith(".bmp")


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
    is_item = _is_true(params.get("is_carousel_item"))
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
            c is None or (c["media_type"] == "IMAGE" and _refused_image(c["image_url"]))
            for c in children
        ):
            return "ERROR"
    elif _refused_image(container["image_url"]):
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
    raise _not_found(object_id)


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
        raise _not_found(object_id)
    names = _metric_names(ctx, IG_MEDIA_METRICS, None)
    if ctx.now() - media["created_at"] < float(ctx.store.config["insights_lag_seconds"]):
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
    return Response.json(_insights_body(object_id, {n: values[n] for n in names}))


# ---- Facebook --------------------------------------------------------------------------------
def fb_me(ctx: Ctx, ver: str | None = None) -> Response:
    token = graph_token(ctx, "facebook")
    if token["kind"] == "page":
        found = ctx.store.facebook_page(token["page_id"])
        assert found is not None
        return Response.json(pick(_fb_page_data(ctx, found[0]), requested_fields(ctx, "id,name")))
    profile = ctx.store.profile("facebook", token["subject"])
    if profile is None:
        raise _not_found(token["subject"])
    data = {
        "id": profile["id"],
        "name": profile["name"],
        "email": profile.get("email") if "email" in token["scopes"] else None,
        "picture": {
            "data": {
                "url": ctx.url(f"/_sandbox/avatar/{profile['id']}.svg"),
                "is_silhouette": False,
            }
        },
    }
    return Response.json(pick(data, requested_fields(ctx, "id,name")))


def _fb_page_data(ctx: Ctx, page_record: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": page_record["id"],
        "name": page_record["name"],
        "category": page_record.get("category"),
        "followers_count": page_record.get("followers", 0),
        "fan_count": page_record.get("followers", 0),
        "tasks": page_record.get("tasks", []),
        "link": ctx.url(f"/facebook/www/{page_record['id']}"),
    }


def _page_token_for(
    ctx: Ctx, user_token: dict[str, Any], page_record: dict[str, Any]
) -> dict[str, Any]:
    store = ctx.store
    for record in store.state["tokens"].values():
        if (
            record["kind"] == "page"
            and record.get("parent") == user_token["token"]
            and record.get("page_id") == page_record["id"]
            and store.token_status(record) == "valid"
        ):
            return record
    ttl = None if user_token["kind"] == "long" else max(0.0, user_token["expires_at"] - store.now())
    return store.issue_token(
        network="facebook",
        kind="page",
        prefix="EAAP",
        client_id=user_token["client_id"],
        subject=user_token["subject"],
        scopes=user_token["scopes"],
        ttl=ttl,
        page_id=page_record["id"],
        parent=user_token["token"],
    )


def fb_accounts(ctx: Ctx, ver: str | None = None) -> Response:
    token = graph_token(ctx, "facebook", "pages_show_list")
    if token["kind"] not in ("short", "long"):
        return graph_error(
            "(#100) Tried accessing nonexisting field (accounts) on node type (Page)", 100
        )
    profile = ctx.store.profile("facebook", token["subject"]) or {"pages": []}
    fields = requested_fields(ctx, "id,name,access_token,category,tasks")
    items = []
    for page_record in profile.get("pages", []):
        data = _fb_page_data(ctx, page_record)
        if "access_token" in fields:
            data["access_token"] = _page_token_for(ctx, token, page_record)["token"]
        items.append(pick(data, fields))
    return Response.json(paginate(ctx, items))


def fb_debug_token(ctx: Ctx, ver: str | None = None) -> Response:
    store = ctx.store
    params = ctx.req.params()
    caller = ctx.req.bearer() or params.get("access_token") or ""
    client_id, _, secret = caller.partition("|")
    if (
        not (secret and store.check_client(client_id, secret))
        and store.token_status(store.token(caller)) != "valid"
    ):
        return graph_error("Invalid OAuth access token - Cannot parse access token", 190)
    token = store.token(params.get("input_token"))
    if token is None or token["network"] != "facebook":
        return Response.json(
            {
                "data": {
                    "is_valid": False,
                    "error": {"code": 190, "message": "Invalid OAuth access token."},
                }
            }
        )
    status = store.token_status(token)
    data: dict[str, Any] = {
        "app_id": token["client_id"],
        "type": "PAGE" if token["kind"] == "page" else "USER",
        "application": (store.app(token["client_id"]) or {}).get("name", ""),
        "data_access_expires_at": int(token["created_at"] + 90 * 86400),
        "expires_at": int(token["expires_at"]) if token["expires_at"] is not None else 0,
        "is_valid": status == "valid",
        "issued_at": int(token["created_at"]),
        "scopes": token["scopes"],
        "user_id": token["subject"],
    }
    if token.get("page_id"):
        data["profile_id"] = token["page_id"]
    return Response.json({"data": data})


def _fb_page_token(
    ctx: Ctx, page_id: str, *scopes: str, task: str | None = None, allow_user: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(token, page record) for a call on ``page_id``."""
    token = graph_token(ctx, "facebook", *scopes)
    found = ctx.store.facebook_page(page_id)
    if found is None:
        raise _not_found(page_id, "post" if ctx.req.method == "POST" else "get")
    page_record, owner = found
    if token["kind"] == "page":
        if token["page_id"] != page_id:
            raise HttpError(
                graph_error(
                    "(#200) The user hasn't authorized the application to perform this action",
                    200,
                    status=403,
                )
            )
    elif not allow_user:
        raise HttpError(
            graph_error("(#210) A page access token is required to request this resource.", 210)
        )
    elif token["subject"] != owner["id"]:
        raise _not_found(page_id)
    if task and task not in page_record.get("tasks", []):
        raise HttpError(
            graph_error(
                f"(#200) The user needs the {task} task on the page to perform this action",
                200,
                status=403,
            )
        )
    return token, page_record


def _fb_new_post(
    ctx: Ctx, page_record: dict[str, Any], token: dict[str, Any], **fields: Any
) -> dict[str, Any]:
    store = ctx.store
    post_number = str(122000000000000000 + store.next_seq())
    post_id = f"{page_record['id']}_{post_number}"
    record = {
        "id": post_id,
        "page_id": page_record["id"],
        "created_at": store.now(),
        "audience": int(page_record.get("followers", 0)),
        "client_id": token["client_id"],
        "deleted": False,
        "permalink_url": ctx.url(f"/facebook/www/{page_record['id']}/posts/{post_number}"),
        **fields,
    }
    store.state["facebook"]["posts"][post_id] = record
    return record


def fb_create_post(ctx: Ctx, account: str, ver: str | None = None) -> Response:
    token, page_record = _fb_page_token(ctx, account, "pages_manage_posts", task="CREATE_CONTENT")
    store = ctx.store
    params = ctx.req.params()
    message, link = params.get("message", ""), params.get("link")
    if not message.strip() and not link:
        return graph_error("(#100) Missing message or attachment", 100)
    if link and not _http_url(link):
        return graph_error("(#100) The parameter link must be a valid http(s) URL", 100)
    window = float(store.config["facebook_duplicate_window_seconds"])
    for existing in store.state["facebook"]["posts"].values():
        if (
            existing["page_id"] == account
            and not existing["deleted"]
            and existing.get("message") == message
            and existing.get("link") == link
            and existing.get("type") != "photo"
            and store.now() - existing["created_at"] < window
        ):
            return graph_error("(#506) Duplicate status message", 506)
    published = params.get("published", "true").lower() != "false"
    record = _fb_new_post(
        ctx,
        page_record,
        token,
        message=message,
        link=link,
        type="link" if link else "status",
        is_published=published,
    )
    return Response.json({"id": record["id"]})


def fb_create_photo(ctx: Ctx, account: str, ver: str | None = None) -> Response:
    token, page_record = _fb_page_token(ctx, account, "pages_manage_posts", task="CREATE_CONTENT")
    params = ctx.req.params()
    url = params.get("url")
    if not url:
        return graph_error("(#324) Requires upload file", 324)
    if _refused_image(url):
        return graph_error("(#100) url should represent a valid URL", 100)
    caption = params.get("caption") or params.get("message") or ""
    published = params.get("published", "true").lower() != "false"
    photo_id = str(123000000000000000 + ctx.store.next_seq())
    record = _fb_new_post(
        ctx,
        page_record,
        token,
        message=caption,
        link=None,
        type="photo",
        full_picture=url,
        photo_id=photo_id,
        is_published=published,
    )
    return Response.json({"id": photo_id, "post_id": record["id"]})


def _fb_post_data(ctx: Ctx, post: dict[str, Any]) -> dict[str, Any]:
    found = ctx.store.facebook_page(post["page_id"])
    page_name = found[0]["name"] if found else ""
    return {
        "id": post["id"],
        "message": post.get("message") or None,
        "created_time": graph_time(post["created_at"]),
        "updated_time": graph_time(post["created_at"]),
        "permalink_url": post["permalink_url"],
        "full_picture": post.get("full_picture"),
        "is_published": post.get("is_published", True),
        "status_type": {"link": "shared_story", "photo": "added_photos"}.get(
            post.get("type", ""), "mobile_status_update"
        ),
        "from": {"id": post["page_id"], "name": page_name},
        "attachments": {"data": [{"url": post["link"], "type": "share"}]}
        if post.get("link")
        else None,
    }


def fb_list_posts(ctx: Ctx, account: str, ver: str | None = None) -> Response:
    _fb_page_token(ctx, account, "pages_read_engagement", allow_user=True)
    fields = requested_fields(ctx, "id,message,created_time")
    posts = [
        p
        for p in ctx.store.state["facebook"]["posts"].values()
        if p["page_id"] == account and not p["deleted"] and p.get("is_published", True)
    ]
    posts.sort(key=lambda p: (p["created_at"], p["id"]), reverse=True)
    return Response.json(paginate(ctx, [pick(_fb_post_data(ctx, p), fields) for p in posts]))


def _fb_find_post(ctx: Ctx, object_id: str) -> dict[str, Any]:
    post = ctx.store.state["facebook"]["posts"].get(object_id)
    if post is None or post["deleted"]:
        raise _not_found(object_id)
    return post


def fb_object(ctx: Ctx, object_id: str, ver: str | None = None) -> Response:
    store = ctx.store
    if "_" in object_id:
        post = _fb_find_post(ctx, object_id)
        _fb_page_token(ctx, post["page_id"], "pages_read_engagement", allow_user=True)
        return Response.json(
            pick(_fb_post_data(ctx, post), requested_fields(ctx, "id,message,created_time"))
        )
    if store.facebook_page(object_id) is not None:
        _token, page_record = _fb_page_token(ctx, object_id, allow_user=True)
        return Response.json(
            pick(_fb_page_data(ctx, page_record), requested_fields(ctx, "id,name"))
        )
    for post in store.state["facebook"]["posts"].values():
        if post.get("photo_id") == object_id and not post["deleted"]:
            _fb_page_token(ctx, post["page_id"], "pages_read_engagement", allow_user=True)
            data = {
                "id": object_id,
                "name": post.get("message"),
                "link": post["permalink_url"],
                "created_time": graph_time(post["created_at"]),
                "images": [{"source": post.get("full_picture")}],
            }
            return Response.json(pick(data, requested_fields(ctx, "id,name,created_time")))
    token = graph_token(ctx, "facebook")
    if token["subject"] == object_id:
        return fb_me(ctx)
    raise _not_found(object_id)


def fb_delete_post(ctx: Ctx, object_id: str, ver: str | None = None) -> Response:
    post = _fb_find_post(ctx, object_id)
    _fb_page_token(ctx, post["page_id"], "pages_manage_posts", task="CREATE_CONTENT")
    post["deleted"] = True
    return Response.json({"success": True})


RETIRED_FB = "(#100) The value must be a valid insights metric"


def fb_insights(ctx: Ctx, object_id: str, ver: str | None = None) -> Response:
    post = _fb_find_post(ctx, object_id)
    _fb_page_token(ctx, post["page_id"], "read_insights", allow_user=True, task="ANALYZE")
    names = _metric_names(ctx, FB_POST_METRICS, RETIRED_FB)
    if ctx.now() - post["created_at"] < float(ctx.store.config["insights_lag_seconds"]):
        return Response.json({"data": []})
    m = engagement.metrics(post["id"], post["created_at"], post["audience"], ctx.now())
    link_clicks = m.clicks // 2
    values: dict[str, Any] = {
        "post_total_media_view_unique": m.reached,
        "post_media_view": m.impressions,
        "post_reactions_by_type_total": {
            k: v for k, v in m.reactions_by_type("facebook").items() if v
        },
        "post_clicks": m.clicks,
        "post_clicks_by_type": {"link clicks": link_clicks, "other clicks": m.clicks - link_clicks},
    }
    return Response.json(_insights_body(object_id, {n: values[n] for n in names}))


# ---- share dialog and permalink pages -----------------------------------------------------
def share_dialog(ctx: Ctx, ver: str | None = None) -> Response:
    store = ctx.store
    params = {
        k: v[0] for k, v in (ctx.req.form if ctx.req.method == "POST" else ctx.req.query).items()
    }
    app = store.app(params.get("app_id"))
    title = "Share on Facebook"
    if app is None:
        return Response.html(
            page(
                title,
                "<h1>Invalid App ID</h1><p>The provided app_id is not registered in the sandbox.</p>",
                brand="Facebook",
            ),
            400,
        )
    href = params.get("href")
    if not _http_url(href):
        return Response.html(
            page(
                title,
                "<h1>Missing or invalid href</h1><p>The href parameter must be an absolute http(s) URL.</p>",
                brand="Facebook",
            ),
            400,
        )
    hashtag = params.get("hashtag") or None
    if hashtag and not hashtag.startswith("#"):
        return Response.html(
            page(
                title,
                "<h1>Invalid hashtag</h1><p>The hashtag must start with #.</p>",
                brand="Facebook",
            ),
            400,
        )
    redirect_uri = params.get("redirect_uri") or None
    if redirect_uri and not _http_url(redirect_uri):
        return Response.html(page(title, "<h1>Invalid redirect_uri</h1>", brand="Facebook"), 400)
    if ctx.req.method == "GET":
        profiles = store.profiles("facebook")
        items = "".join(
            f'<label class="profile"><input type="radio" name="profile_id" value="{esc(p["id"])}"'
            f"{' checked' if i == 0 else ''}><span><strong>{esc(p['name'])}</strong> "
            f'<span class="muted">id {esc(p["id"])}</span></span></label>'
            for i, p in enumerate(profiles)
        )
        carried = {
            k: params.get(k) for k in ("app_id", "display", "href", "hashtag", "redirect_uri")
        }
        body = (
            f"<h1>{esc(title)}</h1>"
            f'<form method="post" action="{esc(ctx.req.path)}">{hidden_fields(carried)}'
            f"<fieldset><legend>Share as</legend>{items}</fieldset>"
            '<label for="message">Say something about this (optional)</label>'
            '<textarea id="message" name="message" rows="3"></textarea>'
            f'<div class="preview"><div class="muted">Link</div><a href="{esc(href)}">{esc(href)}</a>'
            f"{f'<div>{esc(hashtag)}</div>' if hashtag else ''}"
            f'<div class="muted">via {esc(app["name"])}</div></div>'
            '<div class="actions"><button class="primary" type="submit" name="decision" value="post">Post</button>'
            '<button class="secondary" type="submit" name="decision" value="cancel">Cancel</button></div></form>'
        )
        return Response.html(page(title, body, brand="Facebook"))
    if params.get("decision") != "post":
        if redirect_uri:
            return Response.redirect(
                add_query(
                    redirect_uri,
                    {"error_code": "4201", "error_message": "User canceled the Dialog flow"},
                    fragment="_=_",
                )
            )
        return Response.html(
            page(
                title,
                "<h1>Cancelled</h1><p>Nothing was shared.</p><script>window.close()</script>",
                brand="Facebook",
            )
        )
    profile = store.profile("facebook", params.get("profile_id"))
    if profile is None:
        return Response.html(page(title, "<h1>Choose who shares</h1>", brand="Facebook"), 400)
    share = {
        "id": f"share-{store.next_seq()}",
        "app_id": app["client_id"],
        "profile_id": profile["id"],
        "href": href,
        "hashtag": hashtag,
        "message": params.get("message", ""),
        "display": params.get("display"),
        "created_at": store.now(),
    }
    store.state["facebook"]["shares"].append(share)
    if redirect_uri:
        return Response.redirect(add_query(redirect_uri, {}, fragment="_=_"))
    return Response.html(
        page(
            title,
            "<h1>Shared</h1><p>Your post was shared. You can close this window.</p><script>window.close()</script>",
            brand="Facebook",
        )
    )


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


def fb_permalink_page(ctx: Ctx, page_id: str, post_id: str) -> Response:
    post = ctx.store.state["facebook"]["posts"].get(f"{page_id}_{post_id}")
    if post is None or post["deleted"]:
        return Response.html(
            page("Not found", "<h1>This content isn't available right now</h1>", brand="Facebook"),
            404,
        )
    data = _fb_post_data(ctx, post)
    body = (
        f"<h1>{esc(data['from']['name'])}</h1>"
        f'<div class="preview"><p class="muted">{esc(data["created_time"])}</p><p>{esc(post.get("message"))}</p>'
        + (
            f'<p><a href="{esc(post["link"])}">{esc(post["link"])}</a></p>'
            if post.get("link")
            else ""
        )
        + "</div>"
    )
    return Response.html(page("Facebook post", body, brand="Facebook"))
