"""Shared fixtures: an API client, a private media root per test, images; the shop "sole"
with a clerk (``clerk_user``, ``clerk``), its kiosk (``kiosk``, ``kiosk_api``) and a
shopper sighted there (``sighted``). The requests tests repeat are in ``tests/helpers.py``."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


@pytest.fixture(autouse=True)
def _fresh_corridors() -> Iterator[None]:
    # Each test's database starts again from no corridors, and so may its version number:
    # a worker's copy of an earlier test's corridors must not pass for this one's.
    from mall.walking import walking_forget

    walking_forget()
    yield
    walking_forget()


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
def fresh_index() -> Iterator[None]:
    """This worker's index (process-wide) forgotten before and after the test."""
    from matching.selectors import index_forget

    index_forget()
    yield
    index_forget()


@pytest.fixture
def sole():
    """The shop "sole"."""
    from tests.factories import ShopFactory

    return ShopFactory(slug="sole")


@pytest.fixture
def clerk_user(sole):
    """A clerk of ``sole``, "ann"."""
    from tests.factories import MembershipFactory

    return MembershipFactory(shop=sole, user__username="ann").user


@pytest.fixture
def clerk(api, clerk_user):
    """``api`` logged in as ``clerk_user``; a module may define its own."""
    api.force_login(clerk_user)
    return api


@pytest.fixture
def kiosk(sole):
    """A kiosk installed in ``sole``, "sole-kiosk": ``kiosk.kiosk`` and its ``kiosk.key``."""
    from tests.factories import make_kiosk

    return make_kiosk(sole, name="sole-kiosk")


@pytest.fixture
def kiosk_api(kiosk) -> APIClient:
    """An API client of its own (``api`` stays anonymous) with ``kiosk``'s ``Api-Key``."""
    from tests.helpers import kiosk_auth

    client = APIClient()
    client.credentials(**kiosk_auth(kiosk.key))
    return client


@dataclass(frozen=True)
class Sighted:
    customer: Any
    token: str
    #: The sighting answer (DESIGN.md, "The sighting answer").
    answer: dict[str, Any]
    #: ``sole``'s item the shopper was matched to.
    item: Any


@pytest.fixture
def sighted(sole, kiosk_api) -> Sighted:
    """A shopper who wants running shoes, sighted at ``kiosk`` (``POST
    /api/kiosk/sightings/``) while ``sole`` has "Running Shoes": ``sole`` holds their card."""
    from tests.factories import make_customer, make_item
    from tests.helpers import sighting

    item = make_item(sole, "Running Shoes")
    shopper = make_customer("running shoes")
    answer = sighting(kiosk_api, shopper.token)
    return Sighted(customer=shopper.customer, token=shopper.token, answer=answer, item=item)
