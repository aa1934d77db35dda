"""Facebook's web pages: the share dialog (``/dialog/share``, for people who share a link from
their own timeline) and the public permalink page of a page's post."""

from __future__ import annotations

from typing import TYPE_CHECKING

from social_sandbox.app import VER
from social_sandbox.facebook import fb_post_data
from social_sandbox.graph import http_url
from social_sandbox.web import Response, add_query, esc, hidden_fields, page

if TYPE_CHECKING:
    from social_sandbox.app import Ctx, Router


def register(router: Router) -> None:
    router.add(
        ("GET", "POST"),
        r"/facebook/www" + VER + r"/dialog/share",
        share_dialog,
        endpoint="share.dialog",
        dialect="html",
    )
    router.add(
        "GET",
        r"/facebook/www/(?P<page_id>\d+)/posts/(?P<post_id>\d+)/?",
        fb_permalink_page,
        endpoint="permalink",
        dialect="html",
    )


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
    if not http_url(href):
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
    if redirect_uri and not http_url(redirect_uri):
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


def fb_permalink_page(ctx: Ctx, page_id: str, post_id: str) -> Response:
    post = ctx.store.state["facebook"]["posts"].get(f"{page_id}_{post_id}")
    if post is None or post["deleted"]:
        return Response.html(
            page("Not found", "<h1>This content isn't available right now</h1>", brand="Facebook"),
            404,
        )
    data = fb_post_data(ctx, post)
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
