"""Markdown for policy documents, rendered and then sanitised.

Admins write Markdown, which allows raw HTML; the rendered HTML is therefore cleaned by
nh3 (ammonia): a fixed set of tags and attributes, no scripts or styles (their content is
dropped), no event handlers, links only to http, https and mailto (plus relative ones) with
``rel="noopener noreferrer"``, and images only from https or the organization's own media
folder.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import markdown as markdown_lib
import nh3
from django.core.files.storage import default_storage

from advocacy.models import Organization

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["tables", "fenced_code", "sane_lists", "def_list", "abbr", "nl2br"]


def media_prefix(organization: Organization) -> str:
    """The URL prefix of the organization's own policy images."""
    return default_storage.url(f"guidelines/{organization.pk}/")


def _image_source_allowed(value: str, own_prefix: str) -> bool:
    parts = urlsplit(value)
    if parts.scheme == "https":
        return bool(parts.netloc)
    if parts.scheme or parts.netloc:
        return False  # http:, data:, javascript:, protocol-relative //host
    return value.startswith(own_prefix) and ".." not in value


def sanitize_html(html: str, *, organization: Organization) -> str:
    own_prefix = media_prefix(organization)

    def attribute_filter(element: str, attribute: str, value: str) -> str | None:
        if element == "img" and attribute == "src":
            return value if _image_source_allowed(value.strip(), own_prefix) else None
        if element == "a" and attribute == "href" and value.strip().startswith("//"):
            return None
        return value

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=attribute_filter,
        strip_comments=True,
    )


def render_markdown(text: str, *, organization: Organization) -> str:
    """Sanitised HTML for ``text``; safe to mark safe in a template."""
    html = markdown_lib.markdown(text or "", extensions=EXTENSIONS, output_format="html")
    return sanitize_html(html, organization=organization)
