"""``manage.py create_kiosk``: a kiosk, its key shown once alone on the last line, and
that key works against the sighting API."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from kiosks.models import Kiosk
from tests.factories import ShopFactory, make_customer
from tests.helpers import sight

pytestmark = pytest.mark.django_db


def create(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("create_kiosk", *args, stdout=out)
    return out.getvalue().splitlines()


def test_key_is_alone_on_the_last_line_and_only_its_hash_is_kept():
    ShopFactory(slug="sole-mates")

    lines = create("sole kiosk", "--shop", "sole-mates")

    key = lines[-1]
    assert key.strip() == key and " " not in key and len(key) > 30
    kiosk = Kiosk.objects.get(name="sole kiosk")
    assert kiosk.shop.slug == "sole-mates"
    assert key not in (kiosk.key_hash, kiosk.key_prefix)


def test_printed_key_authorises_a_sighting(api):
    ShopFactory(slug="sole-mates")
    key = create("sole kiosk", "--shop", "sole-mates")[-1]
    shopper = make_customer("running shoes")

    response = sight(api, shopper.token, key=key)

    assert response.status_code == 200
    assert response.json()["at"]["kiosk"] == "sole kiosk"


def test_kiosk_outside_shops_stands_at_its_own_position():
    create("entrance", "--floor", "0", "--x", "1.5", "--y", "-2")

    kiosk = Kiosk.objects.get(name="entrance")
    assert (kiosk.shop, kiosk.floor, kiosk.x, kiosk.y) == (None, 0, 1.5, -2.0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["k"], "Give --shop SLUG, or all of --floor, --x and --y"),
        (["k", "--floor", "0", "--x", "1"], "Give --shop SLUG, or all of --floor, --x and --y"),
        (["k", "--shop", "sole-mates", "--floor", "1"], "not both"),
        (["k", "--shop", "nowhere"], "no shop “nowhere”"),
    ],
)
def test_kiosk_without_a_clear_position_is_refused(args, message):
    ShopFactory(slug="sole-mates")

    with pytest.raises(CommandError, match=message):
        create(*args)

    assert not Kiosk.objects.exists()


def test_duplicate_name_is_refused():
    create("entrance", "--floor", "0", "--x", "0", "--y", "0")

    with pytest.raises(CommandError, match="exists already"):
        create("entrance", "--floor", "0", "--x", "0", "--y", "0")
