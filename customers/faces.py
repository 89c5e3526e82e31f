"""Face photos: checked by content, re-encoded, stripped of metadata (Pillow)."""

from __future__ import annotations

import io
import uuid
import warnings

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from mall.errors import InvalidImage

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 512
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})


def face_image_clean(data: bytes) -> ContentFile:
    """A JPEG of at most 512 px a side, with no metadata, from an uploaded photo.

    Refuses anything that is not JPEG, PNG or WebP by its content (not its name), larger
    than 5 MB, or with more pixels than ``Image.MAX_IMAGE_PIXELS``.
    """
    if len(data) > MAX_BYTES:
        raise InvalidImage("The photo is larger than 5 MB.", code="image_too_large")
    if not data:
        raise InvalidImage("The photo is empty.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise InvalidImage("The photo must be a JPEG, PNG or WebP image.")
                width, height = probe.size
                if Image.MAX_IMAGE_PIXELS and width * height > Image.MAX_IMAGE_PIXELS:
                    raise InvalidImage("The photo has too many pixels.", code="image_too_large")
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image = ImageOps.exif_transpose(image)
                image.thumbnail((MAX_SIDE, MAX_SIDE))
                rgb = image.convert("RGB")
    except InvalidImage:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InvalidImage("The photo has too many pixels.", code="image_too_large") from exc
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
    ) as exc:
        raise InvalidImage("The photo could not be read as an image.") from exc
    out = io.BytesIO()
    # A fresh image saved without exif/icc/xmp arguments carries no metadata.
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
