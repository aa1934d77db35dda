"""Upload validation: images are checked by their bytes (Pillow), not by name or header."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ALLOWED_IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
DEFAULT_MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000


def max_image_bytes() -> int:
    return int(getattr(settings, "CONTENT_IMAGE_MAX_BYTES", DEFAULT_MAX_IMAGE_BYTES))


def inspect_image(file: Any) -> tuple[str, int, int]:
    """(format, width, height) of an uploaded image, or ValidationError with a usable message."""
    from PIL import Image, UnidentifiedImageError

    size = getattr(file, "size", None)
    limit = max_image_bytes()
    if size is not None and size > limit:
        raise ValidationError(
            _("The image is too big (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_big",
        )
    pos = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        with Image.open(file) as img:
            fmt = img.format or ""
            width, height = img.size
            if fmt not in ALLOWED_IMAGE_FORMATS:
                raise ValidationError(
                    _("Upload a JPEG, PNG, GIF or WebP image."), code="invalid_type"
                )
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("The image has too many pixels."), code="too_big")
            img.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("Upload a JPEG, PNG, GIF or WebP image."), code="invalid_type"
        ) from exc
    finally:
        if pos is not None:
            file.seek(pos)
    return fmt, width, height


def validate_content_image(file: Any) -> None:
    # A stored file (already validated) is not re-read on every model clean.
    if getattr(file, "_committed", False):
        return
    inspect_image(file)
