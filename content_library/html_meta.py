"""Reading a web page's head for a link preview: OpenGraph, then Twitter cards, then
plain HTML. Pure parsing, no I/O (``services.previews`` fetches the page)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin

log = logging.getLogger(__name__)


class MetaParser(HTMLParser):
    """Collects <meta property/name=…> and <title> from the head of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or "").strip().lower()
            if key and "content" in a and key not in self.meta:
                self.meta[key] = a["content"].strip()
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title and len(self.title) < 300:
            self.title += data


@dataclass
class LinkPreview:
    title: str
    description: str
    image_url: str
    site_name: str


def parse_link_preview(html: str, base_url: str) -> LinkPreview:
    """OpenGraph first, then Twitter cards, then plain HTML."""
    parser = MetaParser()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # a broken page still yields what was parsed so far
        log.info("link preview: HTML parse stopped early for %s", base_url)
    m = parser.meta

    def first(*keys: str) -> str:
        for k in keys:
            if m.get(k):
                return unescape(m[k]).strip()
        return ""

    image = first(
        "og:image:secure_url", "og:image", "og:image:url", "twitter:image", "twitter:image:src"
    )
    if image:
        image = urljoin(base_url, image)
        if not image.lower().startswith(("http://", "https://")):
            image = ""
    return LinkPreview(
        title=first("og:title", "twitter:title") or " ".join(parser.title.split()),
        description=first("og:description", "twitter:description", "description"),
        image_url=image[:2000],
        site_name=first("og:site_name"),
    )
