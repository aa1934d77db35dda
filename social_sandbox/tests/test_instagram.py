"""Instagram Graph API: containers, publishing, quota, insights, listing."""

from __future__ import annotations

import pytest

IG_ID = "17841400000000011"
G = "/instagram/graph/v23.0"
IMAGE = "https://cdn.chorus.test/img/launch.jpg"


@pytest.fixture
def ig(sandbox):
    return sandbox, sandbox.instagram_token()


def create_container(sandbox, token, **params):
    params.setdefault("image_url", IMAGE)
    answer = sandbox.post(f"{G}/{IG_ID}/media", data={**params, "access_token": token})
    assert answer.status_code == 200, answer.text
    return answer.json()["id"]


def status(sandbox, token, container):
    answer = sandbox.get(
        f"{G}/{container}", params={"fields": "status_code,status", "access_token": token}
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def publish(sandbox, token, container):
    return sandbox.post(
        f"{G}/{IG_ID}/media_publish", params={"creation_id": container, "access_token": token}
    )


def publish_ready(sandbox, token, **params):
    container = create_container(sandbox, token, **params)
    while status(sandbox, token, container)["status_code"] == "IN_PROGRESS":
        pass
    answer = publish(sandbox, token, container)
    assert answer.status_code == 200, answer.text
    return answer.json()["id"]


def test_container_in_progress_then_finished_then_published(ig):
    sandbox, token = ig
    container = create_container(
        sandbox, token, caption="Launch day! Link in bio", alt_text="A rocket"
    )
    early = publish(sandbox, token, container)
    assert early.status_code == 400
    assert early.json()["error"]["code"] == 9007
    assert early.json()["error"]["error_subcode"] == 2207027

    first = status(sandbox, token, container)
    assert first["status_code"] == "IN_PROGRESS"
    assert first["status"].startswith("In Progress")
    assert status(sandbox, token, container)["status_code"] == "FINISHED"

    published = publish(sandbox, token, container)
    assert published.status_code == 200
    media_id = published.json()["id"]
    assert status(sandbox, token, container)["status_code"] == "PUBLISHED"

    media = sandbox.get(
        f"{G}/{media_id}",
        params={
            "fields": "id,permalink,caption,media_type,timestamp,alt_text",
            "access_token": token,
        },
    ).json()
    assert media["caption"] == "Launch day! Link in bio"
    assert media["media_type"] == "IMAGE"
    assert media["alt_text"] == "A rocket"
    assert media["permalink"].startswith(sandbox.base + "/instagram/www/p/")
    assert "Launch day!" in sandbox.http.get(media["permalink"], timeout=5).text

    listing = sandbox.get(
        f"{G}/{IG_ID}/media", params={"fields": "id,caption,timestamp", "access_token": token}
    ).json()
    assert [m["id"] for m in listing["data"]] == [media_id]


def test_several_in_progress_polls_are_configurable(ig):
    sandbox, token = ig
    sandbox.config(instagram_in_progress_polls=3)
    container = create_container(sandbox, token)
    codes = [status(sandbox, token, container)["status_code"] for _ in range(4)]
    assert codes == ["IN_PROGRESS", "IN_PROGRESS", "IN_PROGRESS", "FINISHED"]


@pytest.mark.parametrize(
    "url", ["https://cdn.chorus.test/scan.BMP", "ftp://cdn.chorus.test/a.jpg", "file:///etc/passwd"]
)
def test_refused_image_urls_end_in_error(ig, url):
    sandbox, token = ig
    container = create_container(sandbox, token, image_url=url)
    assert status(sandbox, token, container)["status_code"] == "ERROR"
    refused = publish(sandbox, token, container)
    assert refused.status_code == 400
    assert refused.json()["error"]["error_subcode"] == 2207052


def test_containers_expire_after_24_hours(ig):
    sandbox, token = ig
    container = create_container(sandbox, token)
    sandbox.clock(advance_seconds=24 * 3600 + 1)
    assert status(sandbox, token, container)["status_code"] == "EXPIRED"
    assert publish(sandbox, token, container).json()["error"]["code"] == 9007


def test_carousel(ig):
    sandbox, token = ig
    children = [create_container(sandbox, token, is_carousel_item="true") for _ in range(2)]
    too_few = sandbox.post(
        f"{G}/{IG_ID}/media",
        data={"media_type": "CAROUSEL", "children": children[0], "access_token": token},
    )
    assert too_few.status_code == 400
    media_id = publish_ready(
        sandbox,
        token,
        media_type="CAROUSEL",
        children=",".join(children),
        caption="Two pictures",
        image_url="",
    )
    media = sandbox.get(
        f"{G}/{media_id}", params={"fields": "media_type,children", "access_token": token}
    ).json()
    assert media["media_type"] == "CAROUSEL_ALBUM"
    assert len(media["children"]["data"]) == 2
    # A carousel item cannot be published on its own.
    assert publish(sandbox, token, children[0]).status_code == 400


def test_publishing_limit_and_quota_exhaustion(ig):
    sandbox, token = ig
    limit = sandbox.get(
        f"{G}/{IG_ID}/content_publishing_limit",
        params={"fields": "quota_usage,config", "access_token": token},
    ).json()
    assert limit == {
        "data": [{"quota_usage": 0, "config": {"quota_total": 100, "quota_duration": 86400}}]
    }
    sandbox.config(instagram_quota_total=2)
    publish_ready(sandbox, token, caption="one")
    sandbox.clock(advance_seconds=3600)
    publish_ready(sandbox, token, caption="two")
    container = create_container(sandbox, token, caption="three")
    status(sandbox, token, container)
    refused = publish(sandbox, token, container)
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == 9 and error["error_subcode"] == 2207042
    assert set(error) >= {"message", "type", "code", "error_subcode", "fbtrace_id"}
    usage = sandbox.get(
        f"{G}/{IG_ID}/content_publishing_limit",
        params={"fields": "quota_usage,config", "access_token": token},
    ).json()
    assert usage["data"][0]["quota_usage"] == 2
    assert usage["data"][0]["config"]["quota_total"] == 2
    # Rolling window: the first publication leaves it after 24 hours.
    sandbox.clock(advance_seconds=23 * 3600 + 1)
    assert publish(sandbox, token, container).status_code == 200


def test_insights_and_retired_metrics(ig):
    sandbox, token = ig
    media_id = publish_ready(sandbox, token)
    sandbox.clock(advance_seconds=2 * 86400)
    metrics = "views,reach,likes,comments,shares,saved,total_interactions"
    answer = sandbox.get(
        f"{G}/{media_id}/insights", params={"metric": metrics, "access_token": token}
    )
    assert answer.status_code == 200, answer.text
    data = {item["name"]: item["values"][0]["value"] for item in answer.json()["data"]}
    assert list(data) == metrics.split(",")
    assert all(item["period"] == "lifetime" for item in answer.json()["data"])
    assert data["views"] > 0
    assert (
        data["total_interactions"]
        == data["likes"] + data["comments"] + data["shares"] + data["saved"]
    )

    for retired in ("impressions", "plays"):
        error = sandbox.get(
            f"{G}/{media_id}/insights", params={"metric": f"reach,{retired}", "access_token": token}
        )
        assert error.status_code == 400
        assert error.json()["error"]["code"] == 100
        assert "metric[1] must be one of the following values" in error.json()["error"]["message"]

    sandbox.config(insights_lag_seconds=3 * 86400)
    assert sandbox.get(
        f"{G}/{media_id}/insights", params={"metric": "views", "access_token": token}
    ).json() == {"data": []}


def test_scopes_and_ownership_are_enforced(sandbox):
    basic_only = sandbox.instagram_token(scopes="instagram_business_basic")
    denied = sandbox.post(
        f"{G}/{IG_ID}/media", data={"image_url": IMAGE, "access_token": basic_only}
    )
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == 10
    grace = sandbox.instagram_token(profile_id="17841400000000012")
    foreign = sandbox.post(f"{G}/{IG_ID}/media", data={"image_url": IMAGE, "access_token": grace})
    assert foreign.status_code == 400
    assert foreign.json()["error"]["error_subcode"] == 33
    no_token = sandbox.get(f"{G}/{IG_ID}/media")
    assert no_token.json()["error"]["code"] == 104
