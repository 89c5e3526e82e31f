"""Seeds the database of a browser-test server: run in its own process as
``python -m tests.pages.seed`` with the server's environment; prints what the tests need."""

from __future__ import annotations

import json
import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    from kiosks.models import Kiosk
    from mall.models import Landmark
    from mall.services import clerk_create
    from tests.factories import ShopFactory, make_item, make_kiosk

    shoes = ShopFactory(slug="shoes", name="Shoe Shop", x=10, y=30)
    books = ShopFactory(slug="books", name="Book Shop", x=20, y=8)
    rain = ShopFactory(slug="rain", name="Rain Shop", x=30)
    hats = ShopFactory(slug="hats", name="Hat Shop", x=45, y=30)
    # Upstairs, for the maps of two floors.
    tea = ShopFactory(slug="tea", name="Tea Shop", floor=1, x=18, y=22)
    Landmark.objects.create(name="escalator", floor=0, x=32, y=20)
    Landmark.objects.create(name="escalator", floor=1, x=32, y=20)
    make_item(shoes, "Running Shoes", price="89.90", quantity=50, barcode="4006381333931")
    make_item(
        shoes, "Trail Shoes for Running", price="119.00", quantity=20, barcode="4006381333948"
    )
    make_item(books, "Cookery Book", price="19.00")
    make_item(rain, "Folding Umbrella", price="12.00")
    make_item(tea, "Glass Teapot", price="24.00")
    sessions = {}

    def logged_in(user) -> str:
        # Logged-in sessions made here: hashing a password (PBKDF2) costs a second or two
        # per login, and the login form has its own test without a browser.
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        return session.session_key

    for username, shop in (("ann", shoes), ("bob", books), ("cat", hats)):
        sessions[username] = logged_in(clerk_create(username=username, shop=shop).user)
    sessions["staff"] = logged_in(get_user_model().objects.create_superuser("staff", password=None))
    kiosk = make_kiosk(floor=0, x=0, y=0, name="entrance")
    # The entrance page registers there (a sighting); the rain shop's kiosk has a QR code,
    # and the shoe shop's screen shows its own kiosk's.
    Kiosk.objects.filter(pk=kiosk.kiosk.pk).update(is_entrance=True)
    rain_kiosk = make_kiosk(rain, name="rain-kiosk").kiosk
    make_kiosk(shoes, name="shoes-kiosk")
    print(
        json.dumps(
            {
                "kiosk_key": kiosk.key,
                "sessions": sessions,
                "cookie": settings.SESSION_COOKIE_NAME,
                "checkin_code": rain_kiosk.checkin_code,
                "hats_id": hats.pk,
            }
        )
    )


if __name__ == "__main__":
    main()
