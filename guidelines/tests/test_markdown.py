from __future__ import annotations

import pytest

from guidelines.markdown import render_markdown


@pytest.fixture
def render(world):
    return lambda text: render_markdown(text, organization=world.a.org)


def test_plain_markdown_renders(render):
    html = render(
        "# Title\n\n**Bold** and a [link](https://example.com).\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<h1>Title</h1>" in html
    assert "<strong>Bold</strong>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer">link</a>' in html
    assert "<table>" in html and "<td>1</td>" in html


def test_script_tags_are_removed_with_their_content(render):
    html = render("Hello <script>alert('x')</script> world\n\n<style>body{display:none}</style>")
    assert "<script" not in html and "alert" not in html
    assert "<style" not in html and "display" not in html
    assert "Hello" in html and "world" in html


@pytest.mark.parametrize(
    "link",
    [
        "[x](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="  javascript:alert(1)">x</a>',
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](vbscript:msgbox)",
    ],
)
def test_dangerous_link_schemes_are_dropped(render, link):
    html = render(link)
    assert "javascript" not in html.lower()
    assert "data:" not in html and "vbscript" not in html
    assert ">x</a>" in html


def test_mailto_and_relative_links_stay(render):
    html = render("[mail](mailto:ruta@example.com) [page](/o/acme/guidelines/)")
    assert 'href="mailto:ruta@example.com"' in html
    assert 'href="/o/acme/guidelines/"' in html


@pytest.mark.parametrize(
    "snippet",
    [
        '<img src="https://example.com/a.png" onerror="alert(1)">',
        '<a href="https://example.com" onclick="alert(1)">x</a>',
        '<p onmouseover="alert(1)">hi</p>',
        '<div style="background:url(javascript:alert(1))">x</div>',
        "<iframe src=\"https://example.com\"></iframe><form action='/'><input></form>",
        "<svg onload=alert(1)>",
    ],
)
def test_event_attributes_and_active_elements_are_removed(render, snippet):
    html = render(snippet)
    for bad in (
        "onerror",
        "onclick",
        "onmouseover",
        "onload",
        "style=",
        "<iframe",
        "<form",
        "<svg",
        "alert",
    ):
        assert bad not in html


def test_images_only_from_https_or_the_organizations_own_media(world, render):
    own = f"/media/guidelines/{world.a.org.pk}/logo.png"
    other = f"/media/guidelines/{world.b.org.pk}/logo.png"
    html = render(
        f"![own]({own}) ![other]({other}) ![cdn](https://cdn.example.com/x.png) "
        "![plain](http://example.com/x.png) ![inline](data:image/png;base64,iVBORw0KGgo=) "
        "![proto](//evil.example.com/x.png)"
    )
    assert f'src="{own}"' in html
    assert 'src="https://cdn.example.com/x.png"' in html
    assert other not in html
    assert "http://example.com" not in html
    assert "data:" not in html
    assert "evil.example.com" not in html
