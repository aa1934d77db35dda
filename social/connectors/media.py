"""Reading the bytes of an image a connector must upload (LinkedIn): ours from storage, others safely.

An image Chorus serves itself (``{SITE_URL}/{MEDIA_URL}...``) is read from storage; any other
URL came from a user or a scraped preview and is fetched through ``advocacy.safe_http`` (SSRF
guard, byte cap, deadline).
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.storage import default_storage

from advocacy import safe_http

IMAGE_TYPES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}


class MediaUnavailable(Exception):
    """The image could not be read, or is not a JPEG, PNG or GIF."""


def own_media_name(url: str) -> str | None:
    """The storage name of ``url`` when it is one of our own media files, else ``None``."""
    site = urlsplit(settings.SITE_URL)
    parts = urlsplit(url)
    media_prefix = "/" + settings.MEDIA_URL.strip("/") + "/"
    if parts.scheme in ("http", "https") and parts.netloc != site.netloc:
        return None
    if not parts.path.startswith(media_prefix):
        return None
    name = unquote(parts.path[len(media_prefix) :])
    if not name or ".." in name.split("/"):
        return None
    return name


def image_type(data: bytes) -> str | None:
    for magic, content_type in IMAGE_TYPES.items():
        if data.startswith(magic):
            return content_type
    return None


def image_bytes(url: str) -> tuple[bytes, str]:
    """``(bytes, content type)`` of the image at ``url``; ``MediaUnavailable`` otherwise."""
    max_bytes = int(getattr(settings, "CONTENT_IMAGE_MAX_BYTES", 5 * 1024 * 1024))
    name = own_media_name(url)
    if name is not None:
        try:
            with default_storage.open(name, "rb") as fh:
                data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise MediaUnavailable(f"Image {name} is missing from storage.") from exc
        if len(data) > max_bytes:
            raise MediaUnavailable("The image is too large.")
    else:
        try:
            response = safe_http.safe_get(
                url, max_bytes=max_bytes, timeout=float(settings.SOCIAL_HTTP_TIMEOUT)
            )
        except safe_http.SafeHttpError as exc:
            raise MediaUnavailable(str(exc)) from exc
        data = response.content
    content_type = image_type(data)
    if content_type is None:
        raise MediaUnavailable("The image is not a JPEG, PNG or GIF.")
    return data, content_type
