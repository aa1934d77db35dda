"""Simulated engagement: deterministic, growing with age and audience, never decreasing."""

from __future__ import annotations

from dataclasses import astuple
from urllib.parse import quote

from social_sandbox import engagement
from social_sandbox.tests.test_linkedin import post_body

HOUR = 3600.0


def test_metrics_are_pure_and_monotonic():
    created = 1_700_000_000.0
    for key in ("urn:li:share:1", "urn:li:share:2", "17950000000001001", "100_200"):
        previous = engagement.metrics(key, created, 800, created - HOUR)
        assert previous.impressions == 0 and previous.reactions == 0
        for step in range(1, 150):
            now = created + step * 1.5 * HOUR
            current = engagement.metrics(key, created, 800, now)
            assert current == engagement.metrics(key, created, 800, now)  # pure
            assert all(
                b >= a for a, b in zip(astuple(previous)[:2], astuple(current)[:2], strict=True)
            )
            assert all(
                b >= a for a, b in zip(previous.reaction_parts, current.reaction_parts, strict=True)
            )
            for name in ("comments", "reshares", "saves", "clicks"):
                assert getattr(current, name) >= getattr(previous, name)
            previous = current
        # Saturates near a per-post ceiling proportional to the audience.
        assert previous.impressions <= (800 + 25) * 1.45


def test_bigger_audiences_reach_more():
    created = 1_700_000_000.0
    later = created + 7 * 24 * HOUR
    small = engagement.metrics("post", created, 150, later)
    big = engagement.metrics("post", created, 8500, later)
    assert big.impressions > 10 * small.impressions


def test_linkedin_metrics_grow_with_the_sandbox_clock(sandbox):
    token = sandbox.linkedin_token()["access_token"]
    headers = sandbox.li_headers(token)
    urn = sandbox.post("/linkedin/api/rest/posts", json=post_body(), headers=headers).headers[
        "x-restli-id"
    ]
    seen = []
    for _ in range(6):
        answer = sandbox.get(
            "/linkedin/api/rest/memberCreatorPostAnalytics",
            headers=headers,
            params={
                "q": "entity",
                "entity": f"(share:{urn})",
                "queryType": "IMPRESSION",
                "aggregation": "TOTAL",
            },
        )
        seen.append(answer.json()["elements"][0]["count"])
        sandbox.clock(advance_seconds=6 * HOUR)
    assert seen == sorted(seen)
    assert seen[0] == 0 and seen[-1] > 0
    social = sandbox.get(
        f"/linkedin/api/rest/socialMetadata/{quote(urn, safe='')}", headers=headers
    )
    assert social.status_code == 200


def test_fixed_clock_gives_repeatable_numbers(sandbox):
    sandbox.clock(fixed="2026-06-01T12:00:00Z")
    page_token = sandbox.facebook_page_token("100000000000102")
    post_id = sandbox.post(
        "/graph/v23.0/100000000000102/feed",
        data={"message": "Clockwork", "access_token": page_token},
    ).json()["id"]
    sandbox.clock(fixed="2026-06-03T12:00:00Z")
    params = {"metric": "post_media_view", "access_token": page_token}
    first = sandbox.get(f"/graph/v23.0/{post_id}/insights", params=params).json()
    second = sandbox.get(f"/graph/v23.0/{post_id}/insights", params=params).json()
    assert first["data"][0]["values"] == second["data"][0]["values"]
    sandbox.clock(advance_seconds=24 * HOUR)
    third = sandbox.get(f"/graph/v23.0/{post_id}/insights", params=params).json()
    assert third["data"][0]["values"][0]["value"] >= first["data"][0]["values"][0]["value"] > 0
    clock = sandbox.get("/_sandbox/clock").json()
    assert clock["iso"].startswith("2026-06-04T12:00:00")
