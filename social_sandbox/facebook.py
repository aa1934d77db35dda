"""Facebook pages through the Graph API: the user and their pages (page tokens), token
debugging, posts and photos on a page, insights. The web pages on www.facebook.com (the share
dialog, a post's permalink page) are in ``facebook_www.py``; Graph plumbing shared with
Instagram is in ``graph.py``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from social_sandbox import engagement
from social_sandbox.app import VER
from social_sandbox.errors import graph_error
from social_sandbox.graph import (
    graph_routes,
    graph_time,
    graph_token,
    http_url,
    insights_answer,
    insights_not_ready,
    metric_names,
    not_found,
    paginate,
    pick,
    refused_image,
    requested_fields,
)
from social_sandbox.web import HttpError, Response

if TYPE_CHECKING:
    from social_sandbox.app import Ctx, Router

FB = "/graph" + VER
FB_POST_METRICS = [
    "post_total_media_view_unique",
    "post_media_view",
    "post_reactions_by_type_total",
    "post_clicks",
    "post_clicks_by_type",
]
FB_METRIC_TITLES = {
    "post_total_media_view_unique": "Lifetime Post Total Viewers",
    "post_media_view": "Lifetime Post Media Views",
    "post_reactions_by_type_total": "Lifetime Total post Reactions by Type.",
    "post_clicks": "Lifetime Post Clicks",
    "post_clicks_by_type": "Lifetime Post Clicks by type",
}


def register(router: Router) -> None:
    fb = graph_routes(router, FB, "facebook")

    fb("GET", r"/me", fb_me, "me")
    fb("GET", r"/me/accounts", fb_accounts, "me.accounts")
    fb("GET", r"/debug_token", fb_debug_token, "debug_token")
    fb("POST", r"/(?P<account>\d+)/feed", fb_create_post, "feed.create")
    fb("GET", r"/(?P<account>\d+)/(?:feed|posts|published_posts)", fb_list_posts, "feed.list")
    fb("POST", r"/(?P<account>\d+)/photos", fb_create_photo, "photos.create")
    fb("GET", r"/(?P<object_id>\d+_\d+)/insights", fb_insights, "insights")
    fb("GET", r"/(?P<object_id>\d+(?:_\d+)?)", fb_object, "object.get")
    fb("DELETE", r"/(?P<object_id>\d+_\d+)", fb_delete_post, "post.delete")


def fb_me(ctx: Ctx, ver: str | None = None) -> Response:
    token = graph_token(ctx, "facebook")
    if token["kind"] == "page":
        found = ctx.store.facebook_page(token["page_id"])
        assert found is not None
        return Response.json(pick(_fb_page_data(ctx, found[0]), requested_fields(ctx, "id,name")))
    profile = ctx.store.profile("facebook", token["subject"])
    if profile is None:
        raise not_found(token["subject"])
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
        "instagram_business_account": (
            {"id": page_record["instagram_business_account"]}
            if page_record.get("instagram_business_account")
            else None
        ),
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
        raise not_found(page_id, "post" if ctx.req.method == "POST" else "get")
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
        raise not_found(page_id)
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
    if link and not http_url(link):
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
    if refused_image(url):
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


def fb_post_data(ctx: Ctx, post: dict[str, Any]) -> dict[str, Any]:
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
    return Response.json(paginate(ctx, [pick(fb_post_data(ctx, p), fields) for p in posts]))


def _fb_find_post(ctx: Ctx, object_id: str) -> dict[str, Any]:
    post = ctx.store.state["facebook"]["posts"].get(object_id)
    if post is None or post["deleted"]:
        raise not_found(object_id)
    return post


def fb_object(ctx: Ctx, object_id: str, ver: str | None = None) -> Response:
    store = ctx.store
    if "_" in object_id:
        post = _fb_find_post(ctx, object_id)
        _fb_page_token(ctx, post["page_id"], "pages_read_engagement", allow_user=True)
        return Response.json(
            pick(fb_post_data(ctx, post), requested_fields(ctx, "id,message,created_time"))
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
    raise not_found(object_id)


def fb_delete_post(ctx: Ctx, object_id: str, ver: str | None = None) -> Response:
    post = _fb_find_post(ctx, object_id)
    _fb_page_token(ctx, post["page_id"], "pages_manage_posts", task="CREATE_CONTENT")
    post["deleted"] = True
    return Response.json({"success": True})


RETIRED_FB = "(#100) The value must be a valid insights metric"


def fb_insights(ctx: Ctx, object_id: str, ver: str | None = None) -> Response:
    post = _fb_find_post(ctx, object_id)
    _fb_page_token(ctx, post["page_id"], "read_insights", allow_user=True, task="ANALYZE")
    names = metric_names(ctx, FB_POST_METRICS, RETIRED_FB)
    if insights_not_ready(ctx, post["created_at"]):
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
    return insights_answer(object_id, names, values, FB_METRIC_TITLES)
