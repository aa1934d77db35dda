"""Chat webhooks (social_sandbox/chat.py): Slack's and Teams' payload checks and answers."""

from __future__ import annotations

from typing import Any

import pytest

SLACK = "/slack/services/T0001/B0001/abc123"
TEAMS = "/teams/workflows/wf-1/triggers/manual/paths/invoke"


def _card(**overrides: Any) -> dict[str, Any]:
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [{"type": "TextBlock", "text": "Hello", "wrap": True}],
        "actions": [{"type": "Action.OpenUrl", "title": "Open", "url": "https://x.test/"}],
    }
    card.update(overrides)
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        ],
    }


def test_slack_accepts_block_kit_and_keeps_it(sandbox):
    payload = {
        "text": "fallback",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "New"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "*Item*"}},
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Share"},
                        "url": "https://x.test/compose/1/",
                    }
                ],
            },
        ],
    }
    response = sandbox.post(SLACK, json=payload)
    assert (response.status_code, response.text) == (200, "ok")
    [kept] = sandbox.get("/_sandbox/chat").json()["slack"]
    assert kept["payload"] == payload and kept["webhook"] == "T0001/B0001/abc123"


@pytest.mark.parametrize(
    ("payload", "answer"),
    [
        ({}, "no_text"),
        ({"text": 5}, "invalid_payload"),
        ({"blocks": []}, "invalid_blocks"),
        ({"blocks": [{"type": "carousel"}]}, "invalid_blocks"),
        ({"blocks": [{"type": "header", "text": {"type": "mrkdwn", "text": "x"}}]}, "invalid_blocks"),
        ({"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]}, "invalid_blocks"),
        (
            {"blocks": [{"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Go"}, "url": "javascript:alert(1)"}]}]},
            "invalid_blocks",
        ),
    ],
)  # fmt: skip
def test_slack_refuses_what_slack_refuses(sandbox, payload, answer):
    response = sandbox.post(SLACK, json=payload)
    assert (response.status_code, response.text) == (400, answer)
    assert sandbox.get("/_sandbox/chat").json()["slack"] == []


def test_slack_not_json_and_a_deleted_webhook(sandbox):
    assert sandbox.post(SLACK, data=b"text=hi").text == "invalid_payload"
    gone = sandbox.post("/slack/services/T1/B1/gone", json={"text": "hi"})
    assert (gone.status_code, gone.text) == (404, "no_service")


def test_teams_accepts_an_adaptive_card_with_202(sandbox):
    response = sandbox.post(TEAMS, json=_card())
    assert response.status_code == 202
    [kept] = sandbox.get("/_sandbox/chat").json()["teams"]
    assert kept["webhook"] == "wf-1"


@pytest.mark.parametrize(
    "payload",
    [
        {"@type": "MessageCard", "@context": "https://schema.org/extensions", "text": "legacy"},
        {"type": "message", "attachments": []},
        _card(version="2.0"),
        _card(body=[]),
        _card(body=[{"type": "Marquee", "text": "x"}]),
        _card(actions=[{"type": "Action.Submit", "title": "Go"}]),
        _card(actions=[{"type": "Action.OpenUrl", "title": "Go", "url": "ftp://x"}]),
    ],
)
def test_teams_refuses_what_a_workflows_webhook_cannot_show(sandbox, payload):
    response = sandbox.post(TEAMS, json=payload)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "InvalidRequestContent"
    assert sandbox.get("/_sandbox/chat").json()["teams"] == []


def test_chat_messages_can_be_forgotten(sandbox):
    sandbox.post(SLACK, json={"text": "hi"})
    assert sandbox.request("DELETE", "/_sandbox/chat").status_code == 204
    assert sandbox.get("/_sandbox/chat").json() == {"slack": [], "teams": []}
