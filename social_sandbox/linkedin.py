"""LinkedIn: ``/v2/userinfo``, the versioned ``/rest`` API (posts, images, analytics) and uploads."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

from social_sandbox import engagement, linkedin_organizations
from social_sandbox.errors import linkedin_error, linkedin_input_error
from social_sandbox.web import HttpError, Response, esc, page

if TYPE_CHECKING:
    from social_sandbox.app import Ctx, Router

API = "/linkedin/api"
URN_RE = r"(?P<urn>urn:li:[A-Za-z]+:[^/]+)"
VERSION_RE = re.compile(r"^(?P<year>\d{4})(?P<month>\d{2})(?:\.\d{2})?$")
QUERY_TYPES = ["IMPRESSION", "MEMBERS_REACHED", "REACTION", "COMMENT", "RESHARE", "POST_SAVE"]
METRIC_UNION_KEY = "com.linkedin.adsexternalapi.memberanalytics.v1.CreatorPostAnalyticsMetricTypeV1"
VISIBILITIES = {"PUBLIC", "CONNECTIONS", "LOGGED_IN", "CONTAINER"}
POST_FIELDS = (
    "id",
    "author",
    "commentary",
    "visibility",
    "distribution",
    "lifecycleState",
    "lifecycleStateInfo",
    "isReshareDisabledByAuthor",
    "content",
    "reshareContext",
    "createdAt",
    "publishedAt",
    "lastModifiedAt",
)
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")


def register(router: Router) -> None:
    def add(methods: str | tuple[str, ...], pattern: str, handler: Any, endpoint: str) -> None:
        router.add(
            methods, pattern, handler, network="linkedin", endpoint=endpoint, dialect="linkedin"
        )

    add("GET", API + r"/v2/userinfo", userinfo, "userinfo")
    add("POST", API + r"/rest/posts", create_post, "posts.create")
    add("GET", API + r"/rest/posts", list_posts, "posts.list")
    add("GET", API + r"/rest/posts/" + URN_RE, get_post, "posts.get")
    add("DELETE", API + r"/rest/posts/" + URN_RE, delete_post, "posts.delete")
    add("POST", API + r"/rest/images", images_action, "images.initialize")
    add("GET", API + r"/rest/images/" + URN_RE, get_image, "images.get")
    add(
        "PUT", r"/linkedin/dms-uploads/(?P<upload_id>[A-Za-z0-9_-]+)", upload_image, "images.upload"
    )
    add("GET", API + r"/rest/memberCreatorPostAnalytics", analytics, "analytics")
    add("GET", API + r"/rest/socialMetadata/" + URN_RE, social_metadata, "social_metadata")
    router.add(
        "GET",
        r"/linkedin/www/feed/update/" + URN_RE + "/?",
        permalink_page,
        endpoint="permalink",
        dialect="html",
    )


# ---- checks ---------------------------------------------------------------------------------
def member_token(ctx: Ctx, *scopes: str, resource: str = "resource") -> dict[str, Any]:
    """The caller's valid LinkedIn access token holding one of ``scopes`` (any when empty)."""
    store = ctx.store
    value = ctx.req.bearer()
    if not value:
        raise HttpError(
            linkedin_error(
                401,
                "Empty oauth2 access token",
                code="EMPTY_ACCESS_TOKEN",
                service_error_code=65604,
            )
        )
    token = store.token(value)
    status = store.token_status(token)
    if token is None or token["network"] != "linkedin" or token["kind"] != "access":
        raise HttpError(
            linkedin_error(
                401, "Invalid access token", code="INVALID_ACCESS_TOKEN", service_error_code=65600
            )
        )
    if status == "revoked":
        raise HttpError(
            linkedin_error(
                401,
                "The token used in the request has been revoked by the user",
                code="REVOKED_ACCESS_TOKEN",
                service_error_code=65601,
            )
        )
    if status == "expired":
        raise HttpError(
            linkedin_error(
                401,
                "The token used in the request has expired",
                code="EXPIRED_ACCESS_TOKEN",
                service_error_code=65602,
            )
        )
    if scopes and not set(scopes) & set(token["scopes"]):
        raise HttpError(access_denied(ctx, resource))
    return token


def access_denied(ctx: Ctx, resource: str) -> Response:
    version = ctx.req.header("linkedin-version") or "NO_VERSION"
    return linkedin_error(
        403,
        f"Not enough permissions to access: {resource}.{ctx.req.method}.{version}",
        code="ACCESS_DENIED",
        service_error_code=100,
    )


def rest_headers(ctx: Ctx) -> str:
    """Validate ``LinkedIn-Version`` and ``X-Restli-Protocol-Version``; return the version."""
    version = (ctx.req.header("linkedin-version") or "").strip()
    if not version:
        raise HttpError(
            linkedin_error(
                400,
                "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
                code="VERSION_MISSING",
            )
        )
    found = VERSION_RE.match(version)
    if not found or not 1 <= int(found["month"]) <= 12:
        raise HttpError(
            linkedin_error(
                400, f"Invalid version format: {version}. Use YYYYMM.", code="INVALID_VERSION"
            )
        )
    window = int(ctx.store.config["linkedin_version_window_months"])
    if window > 0:
        now = datetime.fromtimestamp(ctx.now(), UTC)
        age = (now.year * 12 + now.month) - (int(found["year"]) * 12 + int(found["month"]))
        if not 0 <= age < window:
            raise HttpError(
                linkedin_error(
                    426, f"Requested version {version} is not active", code="NONEXISTENT_VERSION"
                )
            )
    protocol = (ctx.req.header("x-restli-protocol-version") or "").strip()
    if protocol != "2.0.0":
        raise HttpError(
            linkedin_error(
                400,
                "This resource requires Rest.li protocol version 2.0.0: send the header X-Restli-Protocol-Version: 2.0.0",
                code="ILLEGAL_ARGUMENT",
                service_error_code=100,
            )
        )
    return version


def person_urn(token: dict[str, Any]) -> str:
    return f"urn:li:person:{token['subject']}"


def json_body(ctx: Ctx) -> dict[str, Any]:
    try:
        data = ctx.req.json()
    except ValueError:
        raise HttpError(
            linkedin_error(
                400,
                "Unable to parse the request body as JSON",
                code="ILLEGAL_ARGUMENT",
                service_error_code=100,
            )
        ) from None
    if not isinstance(data, dict):
        raise HttpError(
            linkedin_error(
                400,
                "The request body must be a JSON object",
                code="ILLEGAL_ARGUMENT",
                service_error_code=100,
            )
        )
    return data


def _input_error(field: str, description: str, code: str = "INVALID_VALUE") -> HttpError:
    return HttpError(
        linkedin_input_error(
            422, f"ERROR :: /{field} :: {description}", [(field, code, description)]
        )
    )


def _ms(epoch: float) -> int:
    return int(epoch * 1000)


# ---- userinfo -------------------------------------------------------------------------------
def userinfo(ctx: Ctx) -> Response:
    token = member_token(ctx, "openid", resource="userinfo")
    profile = ctx.store.profile("linkedin", token["subject"])
    if profile is None:
        return linkedin_error(404, "Member not found", code="NOT_FOUND")
    data: dict[str, Any] = {"sub": profile["id"]}
    if "profile" in token["scopes"]:
        data.update(
            name=profile["name"],
            given_name=profile.get("given_name", ""),
            family_name=profile.get("family_name", ""),
            picture=ctx.url(f"/_sandbox/avatar/{profile['id']}.svg"),
            locale={"country": "US", "language": "en"},
        )
    if "email" in token["scopes"]:
        data.update(email=profile.get("email"), email_verified=True)
    return Response.json(data)


# ---- posts ----------------------------------------------------------------------------------
def _available_image(ctx: Ctx, urn: Any, owner: str, field: str) -> str:
    if not isinstance(urn, str) or not urn.startswith("urn:li:image:"):
        raise _input_error(field, f"{urn!r} is not a valid image URN (urn:li:image:...)")
    image = ctx.store.state["linkedin"]["images"].get(urn)
    if image is None or image["owner"] != owner:
        raise _input_error(
            field, f"Image {urn} does not exist or is not owned by the author", "INVALID_URN_ID"
        )
    if image["status"] != "AVAILABLE":
        raise _input_error(
            field,
            f"Image {urn} has not been uploaded yet (status {image['status']})",
            "INVALID_VALUE",
        )
    return urn


def _validate_content(ctx: Ctx, content: Any, author: str) -> str:
    """Check ``content``; return the post URN kind ('share' or 'ugcPost')."""
    if content is None:
        return "share"
    if not isinstance(content, dict) or len(content) != 1:
        raise _input_error("content", "content must hold exactly one of article, media, multiImage")
    ((kind, value),) = content.items()
    if not isinstance(value, dict):
        raise _input_error(f"content/{kind}", "must be an object")
    if kind == "article":
        source = value.get("source")
        parts = urlsplit(source) if isinstance(source, str) else None
        if not parts or parts.scheme not in ("http", "https") or not parts.netloc:
            raise _input_error(
                "content/article/source",
                "source must be an absolute http(s) URL",
                "MISSING_FIELD" if source is None else "INVALID_VALUE",
            )
        if not isinstance(value.get("title"), str) or not value["title"].strip():
            raise _input_error("content/article/title", "title is required", "MISSING_FIELD")
        if "description" in value and not isinstance(value["description"], str):
            raise _input_error("content/article/description", "description must be a string")
        if "thumbnail" in value:
            _available_image(ctx, value["thumbnail"], author, "content/article/thumbnail")
        return "share"
    if kind == "media":
        _available_image(ctx, value.get("id"), author, "content/media/id")
        return "share"
    if kind == "multiImage":
        images = value.get("images")
        if not isinstance(images, list) or not 2 <= len(images) <= 20:
            raise _input_error(
                "content/multiImage/images", "a multiImage post has between 2 and 20 images"
            )
        for index, image in enumerate(images):
            _available_image(
                ctx,
                (image or {}).get("id") if isinstance(image, dict) else None,
                author,
                f"content/multiImage/images/{index}/id",
            )
        return "ugcPost"
    raise _input_error(
        "content",
        f"content type {kind} is not supported by the sandbox (article, media, multiImage)",
    )


def _validate_post(ctx: Ctx, body: dict[str, Any], token: dict[str, Any]) -> str:
    author = body.get("author")
    if author is None:
        raise _input_error("author", "field is required", "MISSING_FIELD")
    # A company page's post: its token was checked by linkedin_organizations.org_post_token.
    if not linkedin_organizations.is_org(author) and author != person_urn(token):
        raise HttpError(access_denied(ctx, "partnerApiPostsExternal"))
    commentary = body.get("commentary", "")
    if not isinstance(commentary, str):
        raise _input_error("commentary", "commentary must be a string")
    if len(commentary) > 3000:
        raise _input_error(
            "commentary", "commentary is longer than 3000 characters", "MAX_LENGTH_EXCEEDED"
        )
    if body.get("visibility") not in VISIBILITIES:
        raise _input_error(
            "visibility",
            f"visibility must be one of {', '.join(sorted(VISIBILITIES))}",
            "MISSING_FIELD" if "visibility" not in body else "INVALID_VALUE",
        )
    if body.get("lifecycleState") not in ("PUBLISHED", "DRAFT"):
        raise _input_error(
            "lifecycleState",
            "lifecycleState must be PUBLISHED or DRAFT",
            "MISSING_FIELD" if "lifecycleState" not in body else "INVALID_VALUE",
        )
    distribution = body.get("distribution")
    if not isinstance(distribution, dict):
        raise _input_error("distribution", "field is required", "MISSING_FIELD")
    if distribution.get("feedDistribution") not in ("MAIN_FEED", "NONE"):
        raise _input_error(
            "distribution/feedDistribution", "feedDistribution must be MAIN_FEED or NONE"
        )
    for key in ("targetEntities", "thirdPartyDistributionChannels"):
        if key in distribution and not isinstance(distribution[key], list):
            raise _input_error(f"distribution/{key}", "must be an array")
    if "isReshareDisabledByAuthor" in body and not isinstance(
        body["isReshareDisabledByAuthor"], bool
    ):
        raise _input_error("isReshareDisabledByAuthor", "must be a boolean")
    if (
        not commentary.strip()
        and body.get("content") is None
        and body.get("reshareContext") is None
    ):
        raise _input_error("commentary", "a post needs commentary or content", "MISSING_FIELD")
    return _validate_content(ctx, body.get("content"), author)


def _content_identity(content: Any) -> Any:
    """What a post shows, without upload ids: every upload of the same picture gets a new image
    URN, so a re-sent post (thumbnail uploaded again) is still the same post."""
    if not isinstance(content, dict):
        return content
    article = content.get("article")
    if isinstance(article, dict):
        return {"article": {k: v for k, v in article.items() if k != "thumbnail"}}
    if "media" in content:
        return {"media": 1}
    images = (content.get("multiImage") or {}).get("images")
    return {"multiImage": len(images) if isinstance(images, list) else 0}


def _dedupe_key(author: str, commentary: str, content: Any) -> str:
    return hashlib.sha256(
        json.dumps([author, commentary, _content_identity(content)], sort_keys=True).encode()
    ).hexdigest()


def create_post(ctx: Ctx) -> Response:
    rest_headers(ctx)
    body = json_body(ctx)
    if linkedin_organizations.is_org(body.get("author")):
        token = linkedin_organizations.org_post_token(ctx, body["author"])
    else:
        token = member_token(
            ctx, "w_member_social", "w_member_social_feed", resource="partnerApiPostsExternal"
        )
    urn_kind = _validate_post(ctx, body, token)
    parent = linkedin_organizations.reshare_parent(ctx, body)
    store = ctx.store
    posts = store.state["linkedin"]["posts"]
    now = store.now()
    commentary = body.get("commentary", "")
    key = _dedupe_key(body["author"], commentary, body.get("content"))
    if parent is not None:  # a re-share is the same post only when it re-shares the same parent
        key = hashlib.sha256(f"{key} {parent}".encode()).hexdigest()
    window = float(store.config["linkedin_duplicate_window_seconds"])
    for existing in posts.values():
        if (
            existing["dedupe_key"] == key
            and not existing.get("deleted")
            and now - existing["created_epoch"] < window
        ):
            return linkedin_input_error(
                422,
                f"Content is a duplicate of {existing['id']}",
                [("", "DUPLICATE_POST", "Duplicate post is detected")],
                code="DUPLICATE_POST",
            )
    profile = store.profile("linkedin", token["subject"]) or {}
    if linkedin_organizations.is_org(body["author"]):
        profile = {"followers": linkedin_organizations.audience(ctx, body["author"])}
    urn = f"urn:li:{urn_kind}:{7300000000000000000 + store.next_seq()}"
    published = body["lifecycleState"] == "PUBLISHED"
    posts[urn] = {
        "id": urn,
        "author": body["author"],
        "commentary": commentary,
        "visibility": body["visibility"],
        "distribution": body["distribution"],
        "lifecycleState": body["lifecycleState"],
        "lifecycleStateInfo": {"isEditedByAuthor": False},
        "isReshareDisabledByAuthor": bool(body.get("isReshareDisabledByAuthor", False)),
        "content": body.get("content"),
        "reshareContext": {"parent": parent} if parent else None,
        "createdAt": _ms(now),
        "publishedAt": _ms(now) if published else None,
        "lastModifiedAt": _ms(now),
        "created_epoch": now,
        "audience": int(profile.get("followers", 0)),
        "dedupe_key": key,
        "client_id": token["client_id"],
        "deleted": False,
    }
    return Response.empty(201, headers=[("x-restli-id", urn), ("x-linkedin-id", urn)])


def _public_post(post: dict[str, Any]) -> dict[str, Any]:
    return {k: post[k] for k in POST_FIELDS if post.get(k) is not None}


def _find_post(ctx: Ctx, urn: str) -> dict[str, Any]:
    post = ctx.store.state["linkedin"]["posts"].get(unquote(urn))
    if post is None or post.get("deleted"):
        raise HttpError(
            linkedin_error(
                404, f"Post {unquote(urn)} does not exist", code="NOT_FOUND", service_error_code=0
            )
        )
    return post


def get_post(ctx: Ctx, urn: str) -> Response:
    rest_headers(ctx)
    member_token(ctx, "w_member_social", "r_member_social", resource="partnerApiPostsExternal")
    return Response.json(_public_post(_find_post(ctx, urn)))


def delete_post(ctx: Ctx, urn: str) -> Response:
    rest_headers(ctx)
    token = member_token(ctx, "w_member_social", resource="partnerApiPostsExternal")
    post = _find_post(ctx, urn)
    if post["author"] != person_urn(token):
        return access_denied(ctx, "partnerApiPostsExternal")
    post["deleted"] = True
    return Response.empty(204)


def list_posts(ctx: Ctx) -> Response:
    """``GET /rest/posts?q=author&author={urn}&count&start&sortBy`` (newest first).

    Needs ``r_member_social`` (LinkedIn grants it to approved partners only): a token with
    just ``w_member_social`` gets 403 ``ACCESS_DENIED``, as on LinkedIn.
    """
    rest_headers(ctx)
    wanted = unquote(ctx.req.arg("author") or "")
    if linkedin_organizations.is_org(wanted):
        token = linkedin_organizations.org_read_token(ctx, wanted)
    else:
        token = member_token(ctx, "r_member_social", resource="partnerApiPostsExternal")
    if ctx.req.arg("q") != "author":
        return linkedin_error(
            400,
            "Only the finder q=author is supported",
            code="ILLEGAL_ARGUMENT",
            service_error_code=100,
        )
    author = unquote(ctx.req.arg("author") or "")
    if not author:
        return linkedin_input_error(
            400,
            "ERROR :: /author :: field is required",
            [("author", "MISSING_FIELD", "field is required")],
        )
    if author != wanted or (
        not linkedin_organizations.is_org(author) and author != person_urn(token)
    ):
        return access_denied(ctx, "partnerApiPostsExternal")
    try:
        start = max(0, int(ctx.req.arg("start") or 0))
        count = min(100, max(1, int(ctx.req.arg("count") or 10)))
    except ValueError:
        return linkedin_error(
            400, "start and count must be integers", code="ILLEGAL_ARGUMENT", service_error_code=100
        )
    sort_key = (
        "lastModifiedAt"
        if ctx.req.arg("sortBy", "LAST_MODIFIED") == "LAST_MODIFIED"
        else "createdAt"
    )
    posts = [
        p
        for p in ctx.store.state["linkedin"]["posts"].values()
        if p["author"] == author and not p.get("deleted")
    ]
    posts.sort(key=lambda p: (p[sort_key], p["id"]), reverse=True)
    page = posts[start : start + count]
    links = []
    if start + count < len(posts):
        links.append(
            {
                "rel": "next",
                "type": "application/json",
                "href": f"/rest/posts?q=author&author={quote(author, safe='')}&start={start + count}&count={count}",
            }
        )
    return Response.json(
        {
            "paging": {"start": start, "count": count, "links": links, "total": len(posts)},
            "elements": [_public_post(p) for p in page],
        }
    )


# ---- images ---------------------------------------------------------------------------------
def images_action(ctx: Ctx) -> Response:
    rest_headers(ctx)
    token = member_token(ctx, "w_member_social", "w_member_social_feed", resource="images")
    if ctx.req.arg("action") != "initializeUpload":
        return linkedin_error(
            400,
            "Unsupported action: use ?action=initializeUpload",
            code="ILLEGAL_ARGUMENT",
            service_error_code=100,
        )
    body = json_body(ctx)
    request = body.get("initializeUploadRequest")
    if not isinstance(request, dict) or not request.get("owner"):
        raise _input_error("initializeUploadRequest/owner", "field is required", "MISSING_FIELD")
    if request["owner"] != person_urn(token):
        return access_denied(ctx, "images")
    store = ctx.store
    seq = store.next_seq()
    image_urn = f"urn:li:image:D4E10AQ{hashlib.sha256(str(seq).encode()).hexdigest()[:16]}{seq}"
    upload_id = store.random_token("", 32).replace("-", "A").replace("_", "B")
    expires = store.now() + float(store.config["linkedin_upload_url_ttl_seconds"])
    store.state["linkedin"]["images"][image_urn] = {
        "id": image_urn,
        "owner": request["owner"],
        "status": "WAITING_UPLOAD",
        "upload_id": upload_id,
        "upload_expires": expires,
        "size": 0,
        "sha256": None,
    }
    store.state["linkedin"]["uploads"][upload_id] = image_urn
    return Response.json(
        {
            "value": {
                "uploadUrlExpiresAt": _ms(expires),
                "uploadUrl": ctx.url(f"/linkedin/dms-uploads/{upload_id}"),
                "image": image_urn,
            }
        }
    )


def upload_image(ctx: Ctx, upload_id: str) -> Response:
    token = member_token(ctx, "w_member_social", "w_member_social_feed", resource="images")
    store = ctx.store
    image_urn = store.state["linkedin"]["uploads"].get(upload_id)
    image = store.state["linkedin"]["images"].get(image_urn or "")
    if image is None:
        return linkedin_error(404, "Upload URL not found", code="NOT_FOUND")
    if image["owner"] != person_urn(token):
        return access_denied(ctx, "images")
    if store.now() > image["upload_expires"]:
        return linkedin_error(400, "The upload URL has expired", code="UPLOAD_URL_EXPIRED")
    data = ctx.req.body
    if not data or not data.startswith(IMAGE_MAGIC):
        return linkedin_error(
            400, "The uploaded file is not a JPG, PNG or GIF image", code="INVALID_MEDIA"
        )
    image.update(status="AVAILABLE", size=len(data), sha256=hashlib.sha256(data).hexdigest())
    return Response.empty(201)


def get_image(ctx: Ctx, urn: str) -> Response:
    rest_headers(ctx)
    member_token(ctx, resource="images")
    image = ctx.store.state["linkedin"]["images"].get(unquote(urn))
    if image is None:
        return linkedin_error(404, f"Image {unquote(urn)} does not exist", code="NOT_FOUND")
    return Response.json({"id": image["id"], "owner": image["owner"], "status": image["status"]})


# ---- analytics ------------------------------------------------------------------------------
def _post_metrics(ctx: Ctx, post: dict[str, Any]) -> engagement.Metrics:
    if post["lifecycleState"] != "PUBLISHED":
        return engagement.metrics(post["id"], ctx.now() + 1, 0, ctx.now())
    return engagement.metrics(post["id"], post["created_epoch"], post["audience"], ctx.now())


def _metric_value(metrics: engagement.Metrics, query_type: str) -> int:
    return {
        "IMPRESSION": metrics.impressions,
        "MEMBERS_REACHED": metrics.reached,
        "REACTION": metrics.reactions,
        "COMMENT": metrics.comments,
        "RESHARE": metrics.reshares,
        "POST_SAVE": metrics.saves,
    }[query_type]


def metric_type_value(key: str, query_type: str) -> str | dict[str, str]:
    """A plain string or a one-key object, alternating deterministically by metric and post."""
    parity = (QUERY_TYPES.index(query_type) + int(hashlib.sha256(key.encode()).hexdigest(), 16)) % 2
    return query_type if parity == 0 else {METRIC_UNION_KEY: query_type}


def _raw_arg(ctx: Ctx, name: str) -> str | None:
    """A query value decoded once (Rest.li 2.0 values carry encoded URNs inside parentheses)."""
    for pair in ctx.req.raw_query.split("&"):
        key, _, value = pair.partition("=")
        if unquote(key) == name:
            return unquote(value.replace("+", " "))
    return None


def analytics(ctx: Ctx) -> Response:
    rest_headers(ctx)
    token = member_token(ctx, "r_member_postAnalytics", resource="memberCreatorPostAnalytics")
    finder = ctx.req.arg("q")
    query_type = ctx.req.arg("queryType")
    if query_type not in QUERY_TYPES:
        return linkedin_input_error(
            400,
            f"ERROR :: /queryType :: must be one of {', '.join(QUERY_TYPES)}",
            [("queryType", "INVALID_VALUE", "unknown queryType")],
        )
    aggregation = ctx.req.arg("aggregation", "TOTAL")
    if aggregation != "TOTAL":
        return linkedin_error(
            400,
            "The sandbox answers aggregation=TOTAL only",
            code="ILLEGAL_ARGUMENT",
            service_error_code=100,
        )
    paging = {"start": 0, "count": 10, "links": []}
    if finder == "me":
        author = person_urn(token)
        posts = [
            p
            for p in ctx.store.state["linkedin"]["posts"].values()
            if p["author"] == author and not p.get("deleted")
        ]
        total = sum(_metric_value(_post_metrics(ctx, p), query_type) for p in posts)
        return Response.json(
            {
                "paging": paging,
                "elements": [{"count": total, "metricType": metric_type_value(author, query_type)}],
            }
        )
    if finder != "entity":
        return linkedin_error(
            400,
            "Unsupported finder: use q=entity or q=me",
            code="ILLEGAL_ARGUMENT",
            service_error_code=100,
        )
    entity = _raw_arg(ctx, "entity") or ""
    found = re.fullmatch(r"\((share|ugc):(.+)\)", entity)
    if not found:
        return linkedin_input_error(
            400,
            "ERROR :: /entity :: expected (share:{urn}) or (ugc:{urn})",
            [("entity", "INVALID_VALUE", "expected (share:urn) or (ugc:urn)")],
        )
    entity_kind, urn = found[1], unquote(found[2])
    expected = "ugc" if urn.startswith("urn:li:ugcPost:") else "share"
    if entity_kind != expected:
        return linkedin_input_error(
            400,
            f"ERROR :: /entity :: {urn} must be given as ({expected}:...)",
            [("entity", "INVALID_VALUE", "entity kind does not match the URN")],
        )
    post = _find_post(ctx, urn)
    if post["author"] != person_urn(token):
        return access_denied(ctx, "memberCreatorPostAnalytics")
    value = _metric_value(_post_metrics(ctx, post), query_type)
    return Response.json(
        {
            "paging": paging,
            "elements": [
                {
                    "count": value,
                    "targetEntity": {entity_kind: urn},
                    "metricType": metric_type_value(urn, query_type),
                }
            ],
        }
    )


def social_metadata(ctx: Ctx, urn: str) -> Response:
    rest_headers(ctx)
    member_token(
        ctx,
        "r_member_social",
        "w_member_social",
        "r_member_postAnalytics",
        resource="socialMetadata",
    )
    post = _find_post(ctx, urn)
    metrics = _post_metrics(ctx, post)
    reactions = {
        kind: {"reactionType": kind, "count": count}
        for kind, count in metrics.reactions_by_type("linkedin").items()
        if count
    }
    return Response.json(
        {
            "reactionSummaries": reactions,
            "commentSummary": {"count": metrics.comments, "topLevelCount": metrics.comments},
            "commentsState": "OPEN",
            "reactionsState": "OPEN",
            "entity": post["id"],
        }
    )


# ---- permalink page -------------------------------------------------------------------------
def permalink_page(ctx: Ctx, urn: str) -> Response:
    """``{LINKEDIN_WWW_BASE}/feed/update/{urn}/``: the post as a simple page ("View the post")."""
    post = ctx.store.state["linkedin"]["posts"].get(unquote(urn))
    if post is None or post.get("deleted"):
        return Response.html(
            page("Not found", "<h1>This post cannot be displayed</h1>", brand="LinkedIn"), 404
        )
    profile = ctx.store.profile("linkedin", post["author"].rsplit(":", 1)[-1]) or {}
    article = (post.get("content") or {}).get("article") or {}
    created = datetime.fromtimestamp(post["created_epoch"], UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = (
        f"<h1>{esc(profile.get('name') or post['author'])}</h1>"
        f'<div class="preview"><p class="muted">{esc(post["id"])} · {esc(created)}</p>'
        f"<p>{esc(post['commentary'])}</p>"
        + (
            f'<p><a href="{esc(article["source"])}">{esc(article.get("title") or article["source"])}</a></p>'
            if article.get("source")
            else ""
        )
        + "</div>"
    )
    return Response.html(page("LinkedIn post", body, brand="LinkedIn"))
