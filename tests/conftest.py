"""Shared fixtures: an API client, a private media root per test, images."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from PIL import Image
from rest_framework.test import APIClient

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path: Path) -> Path:
    """Each test writes face photos into its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    # PBKDF2's deliberate slowness is half a second a clerk; tests need no such defence.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_throttle_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def jpeg_bytes(
    size: tuple[int, int] = (800, 600), *, exif: bool = False, fmt: str = "JPEG"
) -> bytes:
    """A real image in ``fmt``; with ``exif``, carrying a camera make and GPS-like tag."""
    image = Image.new("RGB", size, (200, 120, 80))
    out = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SpyCam Ltd"  # Make
        data[0x0131] = "secret-software"  # Software
        kwargs["exif"] = data.tobytes()
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


@pytest.fixture
def jpeg() -> bytes:
    return jpeg_bytes()


@pytest.fixture
def throttle_rates(settings):
    """Set DRF throttle rates for one test: ``throttle_rates(registration="2/minute")``."""

    def set_rates(**rates: str | None) -> None:
        framework = dict(settings.REST_FRAMEWORK)
        framework["DEFAULT_THROTTLE_RATES"] = {**framework["DEFAULT_THROTTLE_RATES"], **rates}
        settings.REST_FRAMEWORK = framework

    return set_rates


@pytest.fixture(autouse=True)
def _fresh_landmarks() -> Iterator[None]:
    """Each test reads the landmarks of its own database (the worker keeps them a minute)."""
    from mall.selectors import landmarks_forget

    landmarks_forget()
    yield
    landmarks_forget()


@pytest.fixture
def sole():
    """The shop "sole" (shop-access tests)."""
    from tests.factories import ShopFactory

    return ShopFactory(slug="sole")


@pytest.fixture
def clerk(api, sole):
    """``api`` logged in as a clerk of ``sole``; a module may define its own."""
    from tests.factories import MembershipFactory

    api.force_login(MembershipFactory(shop=sole).user)
    return api
