"""``manage.py import_shops``: shops created or updated by slug, all or nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mall.models import Shop
from tests.conftest import DATA
from tests.factories import ShopFactory

pytestmark = pytest.mark.django_db

GOOD = "sole-mates,Sole Mates,0,12.5,30\n"


def write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "shops.csv"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def run_failing(path: Path) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_shops", str(path), stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def test_import_creates_shops_with_their_positions():
    out = io.StringIO()

    call_command("import_shops", str(DATA / "shops.csv"), stdout=out)

    assert "3 created, 0 updated" in out.getvalue()
    gadgets = Shop.objects.get(slug="gadget-garden")
    assert (gadgets.name, gadgets.floor, gadgets.x, gadgets.y) == ("Gadget Garden", 1, 12.5, 30.0)


def test_import_updates_a_shop_with_the_same_slug(tmp_path):
    ShopFactory(slug="sole-mates", name="Old Name", floor=2)

    call_command("import_shops", str(write(tmp_path, GOOD)), stdout=io.StringIO())

    shop = Shop.objects.get(slug="sole-mates")
    assert (shop.name, shop.floor, Shop.objects.count()) == ("Sole Mates", 0, 1)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("bad slug!,Kites,0,1,1", "bad slug 'bad slug!'"),
        ("kites,,0,1,1", "empty name"),
        ("kites,Kites,ground,1,1", "bad number for floor: 'ground'"),
        ("kites,Kites,300,1,1", "floor out of range: 300"),
        ("kites,Kites,0,east,1", "bad number for x: 'east'"),
        ("kites,Kites,0,1,nan", "y out of range: nan"),
        ("kites,Kites,0,1", "wrong column count: 4, expected 5"),
        ("sole-mates,Twice,0,1,1", "slug 'sole-mates' already on line 1"),
        ("kites," + "K" * 101 + ",0,1,1", "name too long (101 characters"),
    ],
)
def test_bad_line_is_named_and_nothing_is_imported(tmp_path, line, reason):
    err = run_failing(write(tmp_path, GOOD + line + "\n"))

    assert f"line 2: {reason}" in err
    assert not Shop.objects.exists()


def test_line_that_is_not_utf8_is_named(tmp_path):
    err = run_failing(write(tmp_path, GOOD.encode() + b"cafe,Caf\xe9,0,1,1\n"))

    assert "line 2: not valid UTF-8" in err
    assert not Shop.objects.exists()


def test_line_with_a_nul_character_is_named(tmp_path):
    err = run_failing(write(tmp_path, GOOD + "kites,Ki\x00tes,0,1,1\n"))

    assert "line 2: holds a NUL character" in err
    assert not Shop.objects.exists()
