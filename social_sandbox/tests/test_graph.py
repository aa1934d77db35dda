"""The Graph plumbing Instagram and Facebook share (social_sandbox/graph.py); the endpoints
that use it are tested through HTTP in test_instagram.py and test_facebook.py."""

from __future__ import annotations

import pytest

from social_sandbox.graph import graph_time, insights_body, pick, refused_image


def test_pick_keeps_the_id_and_the_requested_fields_that_have_a_value():
    data = {"id": "1", "caption": "Hi", "alt_text": None, "like_count": 3}
    assert pick(data, ["caption", "alt_text", "unknown"]) == {"id": "1", "caption": "Hi"}


def test_graph_time_is_utc_with_metas_offset_format():
    assert graph_time(0) == "1970-01-01T00:00:00+0000"


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("https://cdn.example/a.jpg", False),
        ("https://cdn.example/a.BMP", True),
        ("ftp://cdn.example/a.jpg", True),
        (None, True),
    ],
)
def test_refused_image(url, refused):
    assert refused_image(url) is refused


def test_insights_body_titles_each_metric_as_its_network_does():
    body = insights_body("42", {"reach": 7}, {"reach": "Accounts reached"})
    assert body == {
        "data": [
            {
                "name": "reach",
                "period": "lifetime",
                "values": [{"value": 7}],
                "title": "Accounts reached",
                "description": "Accounts reached",
                "id": "42/insights/reach/lifetime",
            }
        ]
    }
