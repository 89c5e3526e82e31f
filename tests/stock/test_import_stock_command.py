"""``manage.py import_stock``: the whole file is checked, every bad line named, all or
nothing; large files show progress; imported items are indexed for matching."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from mall.models import Shop
from stock.imports import stock_csv_parse
from stock.management.commands import import_stock
from stock.models import StockItem
from tests.conftest import DATA
from tests.factories import ShopFactory, make_customer, make_kiosk
from workflows.sightings import customer_sight

pytestmark = pytest.mark.django_db

FAR = timezone.now() + timedelta(days=30)
GOOD = "sole-mates,Trail Running Shoes,sneakers;trainers,12,89.90\n"


@pytest.fixture(autouse=True)
def shops() -> None:
    ShopFactory(slug="sole-mates", name="Sole Mates")
    ShopFactory(slug="page-turner", name="Page Turner")
    ShopFactory(slug="gadget-garden", name="Gadget Garden")


def run(path: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_stock", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(path: Path) -> str:
    """Run an import that must fail; return what it wrote to stderr."""
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_stock", str(path), stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "stock.csv"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def test_import_loads_every_row_with_its_columns():
    out, _ = run(DATA / "stock.csv")

    assert "Imported 4 stock items for 3 shop(s)" in out
    shoes = StockItem.objects.get(name="Trail Running Shoes")
    assert shoes.shop.slug == "sole-mates"
    assert shoes.keywords == ["sneakers", "trainers"]
    assert (shoes.quantity, shoes.price, shoes.barcode) == (12, Decimal("89.90"), "4006381333931")
    assert (shoes.expires_at - shoes.registered_at).days == 14


def test_row_without_optional_columns_gets_default_validity():
    run(DATA / "stock.csv")

    atlas = StockItem.objects.get(name="Illustrated Atlas of the World")
    assert atlas.barcode == ""
    assert (atlas.expires_at - atlas.registered_at).days == 7


def test_header_is_optional(tmp_path):
    run(write(tmp_path, GOOD))

    assert StockItem.objects.filter(name="Trail Running Shoes").count() == 1


def test_header_may_order_columns_freely(tmp_path):
    run(write(tmp_path, "price,quantity,name,keywords,shop\n9.50,2,Rubik's Cube,,page-turner\n"))

    cube = StockItem.objects.get()
    assert (cube.name, cube.price, cube.quantity) == ("Rubik's Cube", Decimal("9.50"), 2)


def test_imported_items_are_indexed_so_a_sighting_finds_them():
    run(DATA / "stock.csv")
    shopper = make_customer("trainers")

    answer = customer_sight(
        kiosk=make_kiosk(name="entrance", floor=0, x=0, y=0).kiosk, customer=shopper.customer
    )

    offers = answer["results"][0]["offers"]
    assert [offer["item"]["name"] for offer in offers] == ["Trail Running Shoes"]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("nowhere,Kite,,1,5.00", "unknown shop 'nowhere'"),
        ("sole-mates,Kite,,lots,5.00", "bad number for quantity: 'lots'"),
        ("sole-mates,Kite,,-3,5.00", "negative quantity: -3"),
        ("sole-mates,Kite,,1,cheap", "bad price: 'cheap'"),
        ("sole-mates,Kite,,1,-5.00", "bad price: negative"),
        ("sole-mates,Kite,,1,5.001", "bad price: more than 2 decimals"),
        ("sole-mates,Kite,,1,1000000000", "bad price: too large"),
        ("sole-mates," + "K" * 201 + ",,1,5.00", "name too long (201 characters"),
        ("sole-mates,,,1,5.00", "empty name"),
        ("sole-mates,Kite,,1", "wrong column count: 4"),
        ("sole-mates,Kite,,1,5.00,123,7,extra", "wrong column count: 8"),
        ("sole-mates,Kite,,1,5.00,123,0", "valid_days below 1"),
        ("sole-mates,Kite,,1,5.00," + "9" * 65, "barcode too long"),
        ("sole-mates,Kite," + ";".join(["k"] * 21) + ",1,5.00", "too many keywords"),
        ("sole-mates,Kite,,2000000,5.00", "quantity too large"),
    ],
)
def test_bad_line_is_named_and_nothing_is_imported(tmp_path, line, reason):
    path = write(tmp_path, GOOD + line + "\n" + GOOD)

    err = run_failing(path)

    assert f"line 2: {reason}" in err
    assert not StockItem.objects.exists()


def test_line_that_is_not_utf8_is_named_and_nothing_is_imported(tmp_path):
    path = write(tmp_path, GOOD.encode() + b"sole-mates,Caf\xe9 Cr\xe8me,,1,5.00\n" + GOOD.encode())

    err = run_failing(path)

    assert "line 2: not valid UTF-8" in err
    assert "line 1" not in err and "line 3" not in err
    assert not StockItem.objects.exists()


@pytest.mark.parametrize(
    "line",
    ["sole-mates,Ka\x00te,,1,5.00", "sole-mates,Kite,\x00,1,5.00", "sole-mates,Kite,,1,5.00,\x00"],
)
def test_a_line_with_a_nul_character_is_named_and_nothing_is_imported(tmp_path, line):
    path = write(tmp_path, GOOD + line + "\n" + GOOD)

    err = run_failing(path)

    assert "line 2: holds a NUL character" in err
    assert "line 1" not in err and "line 3" not in err
    assert not StockItem.objects.exists()


def test_every_bad_line_is_named_not_only_the_first(tmp_path):
    path = write(
        tmp_path,
        GOOD + "nowhere,Kite,,1,5.00\n" + GOOD + "sole-mates,Kite,,-1,5.00\n" + "x,y\n",
    )

    err = run_failing(path)

    named = [line.split(": ")[1] for line in err.splitlines()]
    assert named == ["line 2", "line 4", "line 5"]


def test_all_reasons_of_one_line_are_given(tmp_path):
    err = run_failing(write(tmp_path, "nowhere,Kite,,-1,free\n"))

    assert "unknown shop 'nowhere'; negative quantity: -1; bad price: 'free'" in err


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_stock", str(tmp_path / "absent.csv"))


def test_large_file_shows_progress_on_stderr(tmp_path, monkeypatch):
    monkeypatch.setattr(import_stock, "PROGRESS_MIN_ROWS", 10)

    _, err = run(write(tmp_path, GOOD * 25))

    assert "25/25 rows" in err


def test_small_file_shows_no_progress(tmp_path):
    _, err = run(write(tmp_path, GOOD * 25))

    assert "rows" not in err


def test_upload_for_one_shop_may_leave_out_the_shop_column():
    from mall.models import Shop

    shop = Shop.objects.get(slug="page-turner")

    parsed = stock_csv_parse(b"name,keywords,quantity,price\nAtlas,maps,2,30.00\n", shop=shop)

    assert parsed.errors == []
    assert [(s.slug, data.name) for s, data in parsed.rows] == [("page-turner", "Atlas")]


def test_upload_for_one_shop_refuses_rows_of_another_shop():
    from mall.models import Shop

    shop = Shop.objects.get(slug="page-turner")

    parsed = stock_csv_parse(GOOD.encode(), shop=shop)

    assert [str(error) for error in parsed.errors] == [
        "line 1: shop 'sole-mates' is not 'page-turner'"
    ]


def test_progress_in_a_log_shows_one_line_per_tenth():
    from django.core.management.base import OutputWrapper

    log = io.StringIO()
    progress = import_stock._Progress(OutputWrapper(log), total=200_000)

    for _ in range(100):
        progress(2000)

    lines = log.getvalue().splitlines()
    assert lines[0] == "  20000/200000 rows"
    assert len(lines) == 10 and lines[-1] == "  200000/200000 rows"


# Sync by barcode ---------------------------------------------------------------------------


def test_same_file_twice_updates_the_items_by_barcode_instead_of_adding_them():
    run(DATA / "stock.csv")
    first = {item.barcode: item.pk for item in StockItem.objects.exclude(barcode="")}

    out, _ = run(DATA / "stock.csv")

    assert "updated by barcode" in out
    assert {i.barcode: i.pk for i in StockItem.objects.exclude(barcode="")} == first
    assert StockItem.objects.exclude(barcode="").count() == len(first)


def test_sync_changes_quantity_price_name_and_rematches_the_renamed_item(tmp_path):
    run(write(tmp_path, "sole-mates,Trail Running Shoes,,12,89.90,400\n"))
    run(write(tmp_path, "sole-mates,Hiking Boots,,5,99.00,400\n"))

    item = StockItem.objects.get()
    assert (item.name, item.quantity, str(item.price)) == ("Hiking Boots", 5, "99.00")
    shopper = make_customer("hiking boots")
    results = customer_sight(kiosk=make_kiosk(item.shop).kiosk, customer=shopper.customer)
    assert results["results"][0]["offers"][0]["item"]["id"] == item.pk


def test_restock_by_sync_reaches_a_shopper_already_here(tmp_path):
    run(write(tmp_path, "sole-mates,Trail Running Shoes,,0,89.90,400\n"))
    item = StockItem.objects.get()
    shopper = make_customer("running shoes")
    customer_sight(kiosk=make_kiosk(item.shop).kiosk, customer=shopper.customer)
    assert not shopper.customer.cards.exists()

    run(write(tmp_path, "sole-mates,Trail Running Shoes,,4,89.90,400\n"))

    assert shopper.customer.cards.get().shop == item.shop


def test_replace_deletes_the_shops_items_the_file_does_not_name(tmp_path):
    run(
        write(
            tmp_path,
            "sole-mates,Trail Shoes,,1,9.00,400\nsole-mates,Old Boots,,1,9.00,401\n"
            "sole-mates,Loose Laces,,1,1.00,\npage-turner,A Novel,,1,5.00,900\n",
        )
    )

    out = io.StringIO()
    call_command(
        "import_stock",
        str(write(tmp_path, "sole-mates,Trail Shoes,,2,9.00,400\n")),
        "--replace",
        stdout=out,
    )

    assert "1 removed" not in out.getvalue() and "2 removed" in out.getvalue()
    assert sorted(StockItem.objects.values_list("name", flat=True)) == ["A Novel", "Trail Shoes"]


def test_barcode_twice_in_the_file_for_one_shop_is_a_bad_line(tmp_path):
    err = run_failing(write(tmp_path, "sole-mates,A,,1,1.00,400\nsole-mates,B,,1,1.00,400\n"))

    assert "line 2: barcode '400' also on line 1" in err
    assert not StockItem.objects.exists()


def test_barcode_naming_two_items_of_the_shop_is_a_bad_line_and_changes_nothing(tmp_path):
    shop = Shop.objects.get(slug="sole-mates")
    StockItem.objects.bulk_create(
        [
            StockItem(shop=shop, name=name, quantity=1, price=1, barcode="400", expires_at=FAR)
            for name in ("A", "B")
        ]
    )

    err = run_failing(write(tmp_path, "sole-mates,C,,9,1.00,400\n"))

    assert "barcode '400' names 2 items of sole-mates" in err
    assert sorted(StockItem.objects.values_list("quantity", flat=True)) == [1, 1]
