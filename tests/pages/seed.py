"""Seeds the database of a browser-test server: run in its own process as
``python -m tests.pages.seed`` with the server's environment; prints what the tests need."""

from __future__ import annotations

import json
import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mall.settings")
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
    from mall.services import clerk_create
    from tests.factories import ShopFactory, make_item, make_kiosk

    shoes = ShopFactory(slug="shoes", name="Shoe Shop", x=10)
    books = ShopFactory(slug="books", name="Book Shop", x=20)
    rain = ShopFactory(slug="rain", name="Rain Shop", x=30)
    make_item(shoes, "Running Shoes", price="89.90", quantity=5, barcode="4006381333931")
    make_item(books, "Cookery Book", price="19.00")
    make_item(rain, "Folding Umbrella", price="12.00")
    sessions = {}
    staff = get_user_model().objects.create_superuser("staff", password=None)  # mall staff
    for username, shop in (("ann", shoes), ("bob", books), ("staff", None)):
        # Logged-in sessions made here: hashing a password (PBKDF2) costs a second or two per
        # login, and the login form has its own test without a browser.
        user = clerk_create(username=username, shop=shop).user if shop else staff
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        sessions[username] = session.session_key
    kiosk = make_kiosk(floor=0, x=0, y=0, name="entrance")
    # The entrance page registers there (a sighting); the rain shop's kiosk has a QR code.
    Kiosk.objects.filter(pk=kiosk.kiosk.pk).update(is_entrance=True)
    rain_kiosk = make_kiosk(rain, name="rain-kiosk").kiosk
    print(
        json.dumps(
            {
                "kiosk_key": kiosk.key,
                "sessions": sessions,
                "cookie": settings.SESSION_COOKIE_NAME,
                "checkin_code": rain_kiosk.checkin_code,
            }
        )
    )


if __name__ == "__main__":
    main()
