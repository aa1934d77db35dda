"""Images of policy documents: checked to be real images of an allowed format and size,
stored under the organization's own folder. Admin writes, audit-logged."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from advocacy.models import Membership
from advocacy.services import audit_log_record

from ..models import PolicyDocument, PolicyImage
from .access import require_capability

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_SIDE = 6000
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}


def _image_inspect(upload: UploadedFile) -> tuple[str, int, int]:
    """(extension, width, height) of a real image in an allowed format, or a field error."""
    if upload.size is None or upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            {"image": [_("Images can be at most %(mb)s MB.") % {"mb": MAX_IMAGE_BYTES // 2**20}]}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as img:
            fmt = img.format
            width, height = img.size
            if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE:
                raise ValidationError(
                    {
                        "image": [
                            _("Images can be at most %(px)s pixels wide and high.")
                            % {"px": MAX_IMAGE_SIDE}
                        ]
                    }
                )
            img.verify()
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise ValidationError({"image": [_("Upload a PNG, JPEG, GIF or WebP image.")]}) from exc
    finally:
        upload.seek(0)
    if fmt not in IMAGE_FORMATS:
        raise ValidationError({"image": [_("Upload a PNG, JPEG, GIF or WebP image.")]})
    return IMAGE_FORMATS[fmt], width, height


@transaction.atomic
def policy_image_upload(
    *, actor: Membership, document: PolicyDocument, upload: UploadedFile, alt_text: str = ""
) -> PolicyImage:
    require_capability(actor, document.organization_id)
    extension, _width, _height = _image_inspect(upload)
    image = PolicyImage(
        organization=document.organization,
        document=document,
        alt_text=alt_text.strip()[:300],
        extension=extension,
        size=upload.size or 0,
        uploaded_by=actor.user,
    )
    image.image.save(f"upload.{extension}", upload, save=False)
    image.save()
    audit_log_record(
        organization=document.organization,
        actor=actor.user,
        action="policy_image.uploaded",
        target=image,
        data={"document_id": document.pk, "path": image.image.name},
    )
    return image


@transaction.atomic
def policy_image_delete(*, actor: Membership, image: PolicyImage) -> None:
    require_capability(actor, image.organization_id)
    name = cast(str, image.image.name)  # a saved image always has its file's name
    storage = image.image.storage
    audit_log_record(
        organization=image.organization,
        actor=actor.user,
        action="policy_image.deleted",
        target=image,
        data={"document_id": image.document_id, "path": name},
    )
    image.delete()
    transaction.on_commit(lambda: storage.delete(name))
