"""Helpers for the linked-accounts tests: allauth pointed at the sandbox, and the connect flow
driven through allauth's real views (Django test client on our side, ``requests`` on the
sandbox's consent page)."""

from __future__ import annotations

import copy
import html
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from social.oauth import connect_login_url

_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
_ACTION = re.compile(r'<form method="post" action="([^"]+)">')


@pytest.fixture(name="oauth_sandbox")
def oauth_sandbox_fixture(sandbox: Any, settings: Any) -> Any:
    """The ``sandbox`` fixture, with allauth's network apps pointed at it as well."""
    providers = copy.deepcopy(settings.SOCIALACCOUNT_PROVIDERS)
    linkedin = providers["openid_connect"]["APPS"][0]
    linkedin["settings"]["server_url"] = sandbox.bases["LINKEDIN_OAUTH_BASE"]
    linkedin["client_id"] = settings.LINKEDIN_CLIENT_ID
    linkedin["secret"] = settings.LINKEDIN_CLIENT_SECRET
    for key, (cid, secret) in {
        "instagram": (settings.INSTAGRAM_APP_ID, settings.INSTAGRAM_APP_SECRET),
        "facebook": (settings.META_APP_ID, settings.META_APP_SECRET),
    }.items():
        providers[key]["APPS"][0].update(client_id=cid, secret=secret)
    settings.SOCIALACCOUNT_PROVIDERS = providers
    return sandbox


def connect_through_allauth(
    client: Any,
    sandbox: Any,
    network: str,
    *,
    next_url: str,
    profile_id: str | None = None,
    decision: str = "approve",
    process: str = "connect",
) -> Any:
    """Press "Connect" on My networks, approve (or deny) on the sandbox, come back to allauth.

    Returns the response of allauth's callback view.
    """
    start = client.post(connect_login_url(network), {"process": process, "next": next_url})
    assert start.status_code == 302, start.content[:500]
    authorize_url = start["Location"]
    assert authorize_url.startswith(sandbox.url), authorize_url
    page = requests.get(authorize_url, timeout=10)
    assert page.status_code == 200, page.text[:500]
    fields = {name: html.unescape(value) for name, value in _HIDDEN.findall(page.text)}
    match = _ACTION.search(page.text)
    assert match, page.text[:500]
    action = html.unescape(match.group(1))
    if profile_id is None:
        profile_id = sandbox.admin("GET", "profiles")[network][0]["id"]
    answer = requests.post(
        sandbox.url + action,
        data={**fields, "decision": decision, "profile_id": profile_id},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code in (302, 303), answer.text[:500]
    back = urlsplit(answer.headers["Location"])
    assert back.netloc == "testserver", answer.headers["Location"]
    return client.get(f"{back.path}?{back.query}")


def messages_of(response: Any) -> list[str]:
    from django.contrib.messages import get_messages

    return [str(m) for m in get_messages(response.wsgi_request)]
