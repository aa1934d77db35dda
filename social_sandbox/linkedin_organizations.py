"""LinkedIn company pages (Community Management API): organization ACLs, organizations, posts
authored by an organization and re-shares (``reshareContext.parent``).

* ``GET /rest/organizationAcls?q=roleAssignee[&role=ADMINISTRATOR&state=APPROVED]``: the pages
  the token's member has a role on (needs an organization scope).
* ``GET /rest/organizations/{id}``: a page's name and vanity name.
* ``POST /rest/posts`` with ``author: urn:li:organization:{id}`` goes through
  ``social_sandbox.linkedin.create_post`` (the same route, validation, faults and duplicate
  check as member posts); ``org_post_token`` below adds what LinkedIn checks for a company
  post: the token carries ``w_organization_social`` and its member is an administrator (or
  content administrator) of that organization, otherwise 403 ``ACCESS_DENIED``.
* ``reshare_parent`` validates ``reshareContext.parent`` for any author: the parent post must
  exist and not be reshare-disabled by its author (422 with LinkedIn's input-error shape).

The organizations and their admins are seeded here (``seed``) into ``state["linkedin"]
["organizations"]``; the admin API's state view shows them and tests may change them there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from social_sandbox.errors import linkedin_error, linkedin_input_error
from social_sandbox.web import HttpError, Response

if TYPE_CHECKING:
    from social_sandbox.app import Ctx, Router

API = "/linkedin/api"
ORG_PREFIX = "urn:li:organization:"
ORG_SCOPES = ("r_organization_social", "w_organization_social", "rw_organization_admin")
#: Roles that may post as the page.
POSTING_ROLES = frozenset({"ADMINISTRATOR", "CONTENT_ADMINISTRATOR"})


def seed() -> dict[str, dict[str, Any]]:
    """Sandbox pages: Grace administers two (so Chorus must let the admin pick one), Ada one,
    and Alan is only an analyst of Acme (he can see it but not post as it)."""
    return {
        "2414183": {
            "id": 2414183,
            "localizedName": "Acme Corporation",
            "vanityName": "acme-corporation",
            "followers": 48000,
            "roles": {"sbxGrace2": "ADMINISTRATOR", "sbxAlan03": "ANALYST"},
        },
        "2414184": {
            "id": 2414184,
            "localizedName": "COBOL Appreciation Society",
            "vanityName": "cobol-appreciation",
            "followers": 15000,
            "roles": {"sbxGrace2": "ADMINISTRATOR"},
        },
        "2414185": {
            "id": 2414185,
            "localizedName": "Analytical Engines Ltd",
            "vanityName": "analytical-engines",
            "followers": 2300,
            "roles": {"sbxAda01": "ADMINISTRATOR"},
        },
    }


def organizations(ctx: Ctx) -> dict[str, dict[str, Any]]:
    linkedin = ctx.store.state["linkedin"]
    if "organizations" not in linkedin:
        linkedin["organizations"] = seed()
    return linkedin["organizations"]


def is_org(urn: Any) -> bool:
    return isinstance(urn, str) and urn.startswith(ORG_PREFIX)


def register(router: Router) -> None:
    def add(methods: str, pattern: str, handler: Any, endpoint: str) -> None:
        router.add(
            methods, pattern, handler, network="linkedin", endpoint=endpoint, dialect="linkedin"
        )

    add("GET", API + r"/rest/organizationAcls", organization_acls, "organizationAcls")
    add("GET", API + r"/rest/organizations/(?P<org_id>\d+)", organization_get, "organizations.get")
    # The control API: add or change a page and who holds which role on it (demo, tests).
    router.add(
        "POST",
        r"/_sandbox/linkedin/organizations",
        admin_organization_put,
        endpoint="admin.organizations",
        dialect="admin",
    )


def admin_organization_put(ctx: Ctx) -> Response:
    """``{"id", "localizedName", "vanityName"?, "followers"?, "roles": {profile id: role}}``."""
    try:
        body = ctx.req.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not str(body.get("id", "")).isdigit():
        return Response.json({"error": "an organization needs a numeric id"}, status=400)
    roles = body.get("roles") or {}
    if not isinstance(roles, dict):
        return Response.json({"error": "roles maps profile ids to roles"}, status=400)
    org_id = str(body["id"])
    org = organizations(ctx).setdefault(org_id, {"id": int(org_id), "roles": {}})
    org["localizedName"] = str(body.get("localizedName") or org.get("localizedName") or org_id)
    org["vanityName"] = str(body.get("vanityName") or org.get("vanityName") or org_id)
    org["followers"] = int(body.get("followers") or org.get("followers") or 0)
    org["roles"].update({str(k): str(v) for k, v in roles.items()})
    return Response.json(org)


def _org_token(ctx: Ctx, *scopes: str, resource: str) -> dict[str, Any]:
    from social_sandbox.linkedin import member_token, rest_headers

    rest_headers(ctx)
    return member_token(ctx, *scopes, resource=resource)


def organization_acls(ctx: Ctx) -> Response:
    token = _org_token(ctx, *ORG_SCOPES, resource="organizationAcls")
    if ctx.req.arg("q") != "roleAssignee":
        return linkedin_error(
            400, "Only the finder q=roleAssignee is supported", code="ILLEGAL_ARGUMENT"
        )
    role = ctx.req.arg("role")
    state = ctx.req.arg("state")
    member = f"urn:li:person:{token['subject']}"
    elements = []
    for org_id, org in sorted(organizations(ctx).items()):
        held = org["roles"].get(token["subject"])
        if held is None or (role and held != role) or (state and state != "APPROVED"):
            continue
        elements.append(
            {
                "roleAssignee": member,
                "role": held,
                "organization": f"{ORG_PREFIX}{org_id}",
                "state": "APPROVED",
            }
        )
    return Response.json(
        {"elements": elements, "paging": {"start": 0, "count": len(elements), "links": []}}
    )


def organization_get(ctx: Ctx, org_id: str) -> Response:
    _org_token(ctx, *ORG_SCOPES, resource="organizations")
    org = organizations(ctx).get(org_id)
    if org is None:
        return linkedin_error(404, f"Organization {org_id} does not exist", code="NOT_FOUND")
    return Response.json(
        {
            "id": org["id"],
            "localizedName": org["localizedName"],
            "vanityName": org["vanityName"],
            "$URN": f"{ORG_PREFIX}{org_id}",
        }
    )


def _denied(ctx: Ctx, resource: str) -> HttpError:
    from social_sandbox.linkedin import access_denied

    return HttpError(access_denied(ctx, resource))


def org_post_token(ctx: Ctx, author: str) -> dict[str, Any]:
    """The token of a post authored by ``author`` (an organization): it must carry
    ``w_organization_social`` and belong to a member allowed to post as the page."""
    from social_sandbox.linkedin import member_token

    token = member_token(ctx, "w_organization_social", resource="partnerApiPostsExternal")
    org = organizations(ctx).get(author[len(ORG_PREFIX) :])
    if org is None or org["roles"].get(token["subject"]) not in POSTING_ROLES:
        raise _denied(ctx, "partnerApiPostsExternal")
    return token


def org_read_token(ctx: Ctx, author: str) -> dict[str, Any]:
    """Reading a page's posts (``q=author``) needs ``r_organization_social`` and any role on it."""
    from social_sandbox.linkedin import member_token

    token = member_token(ctx, "r_organization_social", resource="partnerApiPostsExternal")
    org = organizations(ctx).get(author[len(ORG_PREFIX) :])
    if org is None or token["subject"] not in org["roles"]:
        raise _denied(ctx, "partnerApiPostsExternal")
    return token


def reshare_parent(ctx: Ctx, body: dict[str, Any]) -> str | None:
    """The validated ``reshareContext.parent`` of a post body, or ``None`` without one."""
    if "reshareContext" not in body:
        return None
    context = body["reshareContext"]
    parent = context.get("parent") if isinstance(context, dict) else None
    if not isinstance(parent, str) or not parent.startswith(("urn:li:share:", "urn:li:ugcPost:")):
        raise HttpError(
            linkedin_input_error(
                422,
                "ERROR :: /reshareContext/parent :: must be a share or ugcPost URN",
                [("reshareContext/parent", "INVALID_URN_TYPE", "must be a share or ugcPost URN")],
            )
        )
    if body.get("content") is not None:
        raise HttpError(
            linkedin_input_error(
                422,
                "ERROR :: /content :: a reshare cannot carry content",
                [("content", "INVALID_VALUE", "a reshare cannot carry content")],
            )
        )
    post = ctx.store.state["linkedin"]["posts"].get(unquote(parent))
    if post is None or post.get("deleted"):
        raise HttpError(
            linkedin_input_error(
                422,
                f"ERROR :: /reshareContext/parent :: {parent} does not exist",
                [("reshareContext/parent", "INVALID_URN_ID", f"{parent} does not exist")],
            )
        )
    if post.get("isReshareDisabledByAuthor"):
        raise HttpError(
            linkedin_input_error(
                422,
                f"ERROR :: /reshareContext/parent :: the author of {parent} disabled resharing",
                [
                    (
                        "reshareContext/parent",
                        "RESHARE_DISABLED",
                        f"the author of {parent} disabled resharing",
                    )
                ],
            )
        )
    return parent


def audience(ctx: Ctx, author: str) -> int:
    org = organizations(ctx).get(author[len(ORG_PREFIX) :]) or {}
    return int(org.get("followers", 0))
