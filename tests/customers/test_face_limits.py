"""Face photos: a huge picture in a small file is refused from its header, before it is
decoded; phones' multi-picture JPEGs (MPO) are accepted; big camera JPEGs are decoded small."""

import io
import time

import pytest
from PIL import Image

from core.errors import InvalidImage
from customers.faces import face_image_clean


def png_of(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("1", size).save(out, format="PNG")  # one bit a pixel: a small file
    return out.getvalue()


def test_a_small_png_of_a_huge_picture_is_refused_before_decoding():
    data = png_of((9400, 9400))
    assert len(data) < 300 * 1024

    started = time.perf_counter()
    with pytest.raises(InvalidImage) as refused:
        face_image_clean(data)

    assert refused.value.code == "image_too_large"
    assert time.perf_counter() - started < 0.2


def test_a_phone_sized_png_is_accepted():
    face = face_image_clean(png_of((1170, 2532)))

    with Image.open(io.BytesIO(face.read())) as image:
        assert max(image.size) == 512


def test_an_mpo_jpeg_from_a_phone_is_accepted():
    out = io.BytesIO()
    first, second = Image.new("RGB", (1200, 900), "red"), Image.new("RGB", (320, 240), "blue")
    first.save(out, format="MPO", save_all=True, append_images=[second])
    with Image.open(io.BytesIO(out.getvalue())) as probe:
        assert probe.format == "MPO"

    face = face_image_clean(out.getvalue())

    with Image.open(io.BytesIO(face.read())) as image:
        assert image.format == "JPEG" and image.size == (512, 384)
        assert image.getpixel((10, 10))[0] > 200  # the first picture, not the preview


def test_a_camera_jpeg_is_decoded_at_a_fraction_of_its_size():
    out = io.BytesIO()
    Image.new("RGB", (6000, 4000), (90, 140, 200)).save(out, format="JPEG", quality=70)

    started = time.perf_counter()
    face = face_image_clean(out.getvalue())
    elapsed = time.perf_counter() - started

    with Image.open(io.BytesIO(face.read())) as image:
        assert image.size == (512, 341)
    assert elapsed < 0.5
