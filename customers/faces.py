"""Face photos: checked by content, re-encoded, stripped of metadata (Pillow)."""

from __future__ import annotations

import io
import uuid
import warnings

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import InvalidImage

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 512
#: MPO is the JPEG with extra pictures (depth, a preview) that many phones save.
ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP"})
JPEG_FORMATS = frozenset({"JPEG", "MPO"})
#: Pixels a PNG or WebP may have (a 2048 px square): it is decoded whole.
MAX_PIXELS = 2048 * 2048
#: Pixels a JPEG may have (a 48-megapixel camera): it is decoded at 1/8 of its size or less
#: (``draft``), so at most about 800,000 pixels are ever decoded.
MAX_PIXELS_JPEG = 50_000_000


def face_image_clean(data: bytes) -> ContentFile:
    """A JPEG of at most 512 px a side, with no metadata, from an uploaded photo.

    Refuses anything that is not JPEG (MPO included), PNG or WebP by its content (not its
    name), larger than 5 MB, or with more pixels than the format's cap, read from the
    header before anything is decoded: a small file of a huge picture cannot stall the
    server.
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
                cap = MAX_PIXELS_JPEG if probe.format in JPEG_FORMATS else MAX_PIXELS
                if width * height > cap:
                    raise InvalidImage("The photo has too many pixels.", code="image_too_large")
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                if image.format in JPEG_FORMATS:
                    # Decode at the smallest scale that still gives MAX_SIDE px a side.
                    image.draft("RGB", (MAX_SIDE, MAX_SIDE))
                upright = ImageOps.exif_transpose(image)
                upright.thumbnail((MAX_SIDE, MAX_SIDE))
                rgb = upright.convert("RGB")
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
