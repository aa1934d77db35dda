from __future__ import annotations

import pytest

from advocacy.safe_http import FetchFailed, TooLarge, UnsafeURL, is_public_address, safe_get


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://10.0.0.8/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
        "http://localhost/",
        "http://2130706433/",
    ],
)
def test_private_and_local_addresses_are_refused(url, settings):
    settings.SAFE_HTTP_ALLOW_LOOPBACK_FOR_TESTS = False
    with pytest.raises(UnsafeURL):
        safe_get(url, max_bytes=1000, timeout=2)


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "gopher://127.0.0.1:70/", "ftp://example.com/x", "javascript:alert(1)"],
)
def test_other_schemes_are_refused(url):
    with pytest.raises(UnsafeURL):
        safe_get(url, max_bytes=1000, timeout=2)


def test_loopback_flag_never_opens_private_or_metadata_addresses(settings):
    settings.SAFE_HTTP_ALLOW_LOOPBACK_FOR_TESTS = True
    for url in ("http://10.1.2.3/", "http://169.254.169.254/", "http://[fe80::1]/"):
        with pytest.raises(UnsafeURL):
            safe_get(url, max_bytes=1000, timeout=2)


def test_address_classification():
    assert is_public_address("93.184.216.34")
    assert is_public_address("2606:2800:220:1:248:1893:25c8:1946")
    for bad in (
        "127.0.0.1",
        "::1",
        "::ffff:10.0.0.1",
        "64:ff9b::a00:1",
        "fc00::1",
        "224.0.0.1",
        "240.0.0.1",
        "::",
    ):
        assert not is_public_address(bad), bad
    assert is_public_address("127.0.0.1", allow_loopback=True)
    assert not is_public_address("10.0.0.1", allow_loopback=True)


def test_local_fetch_works_with_the_test_flag(local_site):
    url = local_site.add("/page", "<html><head><title>Hi</title></head></html>")
    resp = safe_get(url, max_bytes=10_000, timeout=5)
    assert resp.status_code == 200
    assert "Hi" in resp.text
    assert resp.content_type == "text/html"


def test_loopback_is_refused_without_the_flag(local_site, settings):
    url = local_site.add("/page", "hello")
    settings.SAFE_HTTP_ALLOW_LOOPBACK_FOR_TESTS = False
    with pytest.raises(UnsafeURL):
        safe_get(url, max_bytes=10_000, timeout=5)
    assert local_site.hits == []


def test_loopback_flag_is_ignored_outside_test_settings_and_debug(
    local_site, settings, monkeypatch
):
    url = local_site.add("/page", "hello")
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "advocacy.settings")
    settings.DEBUG = False
    with pytest.raises(UnsafeURL):
        safe_get(url, max_bytes=10_000, timeout=5)


def test_redirects_are_followed_and_each_hop_vetted(local_site):
    final = local_site.add("/final", "done", content_type="text/plain")
    local_site.add("/start", "", status=302, headers={"Location": "/final"})
    resp = safe_get(local_site.base + "/start", max_bytes=1000, timeout=5)
    assert resp.url == final and resp.content == b"done"

    local_site.add("/evil", "", status=302, headers={"Location": "http://169.254.169.254/latest/"})
    with pytest.raises(UnsafeURL):
        safe_get(local_site.base + "/evil", max_bytes=1000, timeout=5)
    local_site.add("/evil2", "", status=301, headers={"Location": "http://10.0.0.5/"})
    with pytest.raises(UnsafeURL):
        safe_get(local_site.base + "/evil2", max_bytes=1000, timeout=5)
    local_site.add("/file", "", status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(UnsafeURL):
        safe_get(local_site.base + "/file", max_bytes=1000, timeout=5)


def test_redirect_loops_stop(local_site):
    local_site.add("/loop", "", status=302, headers={"Location": "/loop"})
    with pytest.raises(FetchFailed):
        safe_get(local_site.base + "/loop", max_bytes=1000, timeout=5, max_redirects=3)


def test_size_cap_and_truncation(local_site):
    url = local_site.add("/big", b"x" * 50_000, content_type="text/plain")
    with pytest.raises(TooLarge):
        safe_get(url, max_bytes=10_000, timeout=5)
    resp = safe_get(url, max_bytes=10_000, timeout=5, truncate=True)
    assert len(resp.content) == 10_000 and resp.truncated


def test_error_status_and_unreachable(local_site):
    with pytest.raises(FetchFailed):
        safe_get(local_site.base + "/missing", max_bytes=1000, timeout=5)
    with pytest.raises(FetchFailed):
        safe_get("http://no-such-host.invalid/", max_bytes=1000, timeout=5)


def test_the_loopback_allow_list_opens_only_its_prefix(live_server, settings):
    """The demo's feed lives on our own (loopback) site: exactly that folder is readable,
    nothing beside it, no ``..`` out of it, and not another port."""
    from advocacy.safe_http import UnsafeURL, safe_get

    settings.SAFE_HTTP_ALLOW_LOOPBACK_FOR_TESTS = False
    demo = f"{live_server.url}/static/content_library/demo/"
    settings.SAFE_HTTP_LOOPBACK_ALLOWLIST = (demo,)
    get = lambda url: safe_get(url, max_bytes=100_000, timeout=5.0)  # noqa: E731
    assert b"<rss" in get(f"{demo}feed.xml").content
    for url in (
        f"{live_server.url}/healthz",
        f"{live_server.url}/static/content_library/",
        f"{demo}../../../admin/",
        f"{demo}%2e%2e/%2e%2e/",
        demo.replace(str(live_server.thread.port), "9"),
    ):
        with pytest.raises(UnsafeURL):
            get(url)
    settings.SAFE_HTTP_LOOPBACK_ALLOWLIST = ()
    with pytest.raises(UnsafeURL):
        get(f"{demo}feed.xml")
