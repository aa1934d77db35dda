"""Chat webhooks: a Slack incoming webhook and a Microsoft Teams Workflows webhook.

Each checks the payload against its platform's rules (the subset Chorus uses, with the
platform's answers for a bad payload) and keeps what it accepted, so tests and the demo see
the real wire format:

* Slack (``POST /slack/services/<team>/<bot>/<secret>``): a JSON object with ``text`` and/or
  Block Kit ``blocks`` (at most 50; ``header``, ``section``, ``context``, ``divider``,
  ``actions`` with link ``button`` elements, ``image``), each text within Slack's length
  limits. Answers ``200 ok``, or ``400`` with ``invalid_payload``, ``no_text`` or
  ``invalid_blocks`` as Slack does; a secret of ``gone`` answers ``404 no_service`` (a
  deleted webhook).
* Teams (``POST /teams/workflows/<id>/triggers/manual/paths/invoke``): a ``message`` with
  one or more ``application/vnd.microsoft.card.adaptive`` attachments whose content is an
  ``AdaptiveCard`` (version 1.0-1.5) with known body elements and ``Action.OpenUrl``
  actions. Answers ``202`` (a Workflows trigger accepts and runs later), or ``400``.

``GET /_sandbox/chat`` lists what each channel received; ``DELETE`` forgets it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from social_sandbox.web import Response

if TYPE_CHECKING:
    from social_sandbox.app import Ctx, Router

SLACK_BLOCK_TYPES = {"header", "section", "context", "divider", "actions", "image"}
TEAMS_ELEMENT_TYPES = {
    "TextBlock",
    "RichTextBlock",
    "Image",
    "Container",
    "ColumnSet",
    "FactSet",
    "ActionSet",
}
TEAMS_VERSIONS = {"1.0", "1.1", "1.2", "1.3", "1.4", "1.5"}
ADAPTIVE = "application/vnd.microsoft.card.adaptive"
_URL = re.compile(r"^https?://[^\s]+$")


def register(router: Router) -> None:
    router.add(
        "POST",
        r"/slack/services/(?P<team>\w+)/(?P<bot>\w+)/(?P<key>[\w-]+)",
        slack_webhook,
        endpoint="slack.webhook",
        dialect="admin",
    )
    router.add(
        "POST",
        r"/teams/workflows/(?P<workflow>[\w-]+)/triggers/manual/paths/invoke",
        teams_webhook,
        endpoint="teams.webhook",
        dialect="admin",
    )
    router.add(("GET", "DELETE"), r"/_sandbox/chat/?", chat_admin, endpoint="chat.admin")


def _messages(ctx: Ctx) -> dict[str, list[dict[str, Any]]]:
    chat: dict[str, list[dict[str, Any]]] = ctx.store.state.setdefault(
        "chat", {"slack": [], "teams": []}
    )
    return chat


def _json(ctx: Ctx) -> Any:
    try:
        return ctx.req.json()
    except (ValueError, UnicodeDecodeError):
        return None


# --- Slack -----------------------------------------------------------------------------------


def _slack_text(obj: Any, limit: int, *, kinds: tuple[str, ...] = ("plain_text", "mrkdwn")) -> str:
    if not isinstance(obj, dict) or obj.get("type") not in kinds:
        return f"a text object must be of type {' or '.join(kinds)}"
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return "a text object needs its text"
    if len(text) > limit:
        return f"text longer than {limit} characters"
    return ""


def _slack_block_error(block: Any) -> str:
    if not isinstance(block, dict) or block.get("type") not in SLACK_BLOCK_TYPES:
        return "unknown block type"
    kind = block["type"]
    if kind == "header":
        return _slack_text(block.get("text"), 150, kinds=("plain_text",))
    if kind == "section":
        if "text" not in block and "fields" not in block:
            return "a section needs text or fields"
        if "text" in block:
            return _slack_text(block["text"], 3000)
        fields = block["fields"]
        if not isinstance(fields, list) or not 0 < len(fields) <= 10:
            return "a section has 1 to 10 fields"
        return next((e for e in (_slack_text(f, 2000) for f in fields) if e), "")
    if kind == "context":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 0 < len(elements) <= 10:
            return "a context block has 1 to 10 elements"
        return next((e for e in (_slack_text(x, 3000) for x in elements) if e), "")
    if kind == "actions":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 0 < len(elements) <= 25:
            return "an actions block has 1 to 25 elements"
        for element in elements:
            if not isinstance(element, dict) or element.get("type") != "button":
                return "only button elements are accepted here"
            error = _slack_text(element.get("text"), 75, kinds=("plain_text",))
            if error:
                return error
            url = element.get("url")
            if url is not None and (not isinstance(url, str) or not _URL.match(url)):
                return "a button's url must be an absolute http(s) URL"
            if url is not None and len(url) > 3000:
                return "a button's url is longer than 3000 characters"
        return ""
    if kind == "image":
        url = block.get("image_url")
        if not isinstance(url, str) or not _URL.match(url) or not block.get("alt_text"):
            return "an image block needs image_url and alt_text"
    return ""


def slack_webhook(ctx: Ctx, team: str, bot: str, key: str) -> Response:
    if key == "gone":
        return Response.text("no_service", 404)
    payload = _json(ctx)
    if not isinstance(payload, dict):
        return Response.text("invalid_payload", 400)
    text, blocks = payload.get("text"), payload.get("blocks")
    if text is not None and not isinstance(text, str):
        return Response.text("invalid_payload", 400)
    if blocks is None and not (isinstance(text, str) and text.strip()):
        return Response.text("no_text", 400)
    if blocks is not None:
        if not isinstance(blocks, list) or not 0 < len(blocks) <= 50:
            return Response.text("invalid_blocks", 400)
        for block in blocks:
            if _slack_block_error(block):
                return Response.text("invalid_blocks", 400)
    _messages(ctx)["slack"].append(
        {"webhook": f"{team}/{bot}/{key}", "payload": payload, "at": ctx.now()}
    )
    return Response.text("ok", 200)


# --- Teams -----------------------------------------------------------------------------------


def _teams_element_error(element: Any) -> str:
    if not isinstance(element, dict) or element.get("type") not in TEAMS_ELEMENT_TYPES:
        return "unknown card element"
    kind = element["type"]
    if kind == "TextBlock" and not (isinstance(element.get("text"), str) and element["text"]):
        return "a TextBlock needs its text"
    if kind == "Image" and not (isinstance(element.get("url"), str) and _URL.match(element["url"])):
        return "an Image needs an absolute url"
    if kind == "Container":
        items = element.get("items")
        if not isinstance(items, list):
            return "a Container needs items"
        return next((e for e in (_teams_element_error(i) for i in items) if e), "")
    if kind == "FactSet":
        facts = element.get("facts")
        if not isinstance(facts, list) or not all(
            isinstance(f, dict)
            and isinstance(f.get("title"), str)
            and isinstance(f.get("value"), str)
            for f in facts
        ):
            return "a FactSet needs facts with title and value"
    if kind == "ActionSet":
        return _teams_actions_error(element.get("actions"))
    return ""


def _teams_actions_error(actions: Any) -> str:
    if not isinstance(actions, list):
        return "actions must be a list"
    for action in actions:
        if not isinstance(action, dict) or action.get("type") != "Action.OpenUrl":
            return "only Action.OpenUrl is accepted by a Workflows webhook card"
        if not isinstance(action.get("title"), str) or not action["title"]:
            return "an action needs a title"
        if not isinstance(action.get("url"), str) or not _URL.match(action["url"]):
            return "an Action.OpenUrl needs an absolute url"
    return ""


def _teams_error(payload: Any) -> str:
    if not isinstance(payload, dict) or payload.get("type") != "message":
        return "the body must be a message"
    attachments = payload.get("attachments")
    if not isinstance(attachments, list) or not attachments:
        return "a message needs attachments"
    for attachment in attachments:
        if not isinstance(attachment, dict) or attachment.get("contentType") != ADAPTIVE:
            return f"an attachment's contentType must be {ADAPTIVE}"
        card = attachment.get("content")
        if not isinstance(card, dict) or card.get("type") != "AdaptiveCard":
            return "an attachment's content must be an AdaptiveCard"
        if card.get("version") not in TEAMS_VERSIONS:
            return "unsupported AdaptiveCard version"
        body = card.get("body")
        if not isinstance(body, list) or not body:
            return "an AdaptiveCard needs a body"
        error = next((e for e in (_teams_element_error(x) for x in body) if e), "")
        if error:
            return error
        if "actions" in card:
            error = _teams_actions_error(card["actions"])
            if error:
                return error
    return ""


def teams_webhook(ctx: Ctx, workflow: str) -> Response:
    payload = _json(ctx)
    error = _teams_error(payload)
    if error:
        return Response.json(
            {"error": {"code": "InvalidRequestContent", "message": error}}, status=400
        )
    _messages(ctx)["teams"].append({"webhook": workflow, "payload": payload, "at": ctx.now()})
    return Response.empty(202)


def chat_admin(ctx: Ctx) -> Response:
    if ctx.req.method == "DELETE":
        ctx.store.state["chat"] = {"slack": [], "teams": []}
        return Response.empty(204)
    return Response.json(_messages(ctx))
