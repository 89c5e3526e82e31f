"""Checking a stock CSV file (DESIGN.md, "Management commands"): rows to import, or the
list of every bad line.

Columns: ``shop,name,keywords,quantity,price`` and optionally ``barcode,valid_days``;
keywords are separated by ``;``. A header row is optional; with one, the columns may come
in any order, and ``shop`` may be left out when the importing shop is fixed (a clerk's
upload on the dashboard). ``manage.py import_stock`` and the dashboard both use
``stock_csv_parse`` and then ``stock.services.stock_items_sync``: a row whose barcode
names an item of its shop updates that item.

The limits are those of the stock API (``stock.apis.StockItemSerializer``), so an item
imported from a file could also have been entered by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Count, Q, Sum

from core.csvfile import LineError, csv_records, header_columns
from mall.models import Shop
from stock.models import StockItem
from stock.services import StockInput

COLUMNS = ("shop", "name", "keywords", "quantity", "price", "barcode", "valid_days")
REQUIRED = frozenset(COLUMNS[:5])
NAME_MAX = 200
KEYWORD_MAX = 100
KEYWORDS_MAX = 20
QUANTITY_MAX = 1_000_000
#: ``StockItem.price`` has 10 digits, 2 after the point.
PRICE_MAX = Decimal("99999999.99")
BARCODE_MAX = 64
VALID_DAYS_MAX = 365


@dataclass
class StockCsv:
    """The outcome of checking a file: ``rows`` are only meant to be imported when
    ``errors`` is empty."""

    rows: list[tuple[Shop, StockInput]] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    #: The file's line of each row.
    lines: list[int] = field(default_factory=list)


def stock_csv_parse(data: bytes, *, shop: Shop | None = None) -> StockCsv:
    """Check every line of a stock CSV file; return its rows and the bad lines.

    With ``shop``, every row belongs to that shop: a ``shop`` column may be absent, and
    where present must name that shop.
    """
    shops = {shop.slug: shop} if shop is not None else {s.slug: s for s in Shop.objects.all()}
    result = StockCsv()
    columns: list[str] | None = None
    for record in csv_records(data):
        if record.error:
            result.errors.append(LineError(record.line, record.error))
            continue
        if columns is None:
            header = header_columns(record.fields, frozenset(COLUMNS))
            columns = _columns(header, fixed_shop=shop is not None, line=record.line, out=result)
            if header is not None:
                continue
        if not columns:
            continue  # a bad header: reported once, the rows cannot be read
        if len(record.fields) != len(columns) and not (
            columns == list(COLUMNS) and len(record.fields) in (5, 6)
        ):
            expected = f"{len(columns)}" if columns != list(COLUMNS) else "5 to 7"
            result.errors.append(
                LineError(
                    record.line, f"wrong column count: {len(record.fields)}, expected {expected}"
                )
            )
            continue
        values = dict(zip(columns, record.fields, strict=False))
        row, problems = _row(values, shops=shops, fixed_shop=shop)
        if problems:
            result.errors.append(LineError(record.line, "; ".join(problems)))
        elif row is not None:
            result.rows.append(row)
            result.lines.append(record.line)
    result.errors += _barcode_errors(result)
    result.errors.sort(key=lambda error: error.line)
    return result


def _barcode_errors(parsed: StockCsv) -> list[LineError]:
    """Rows that cannot update an item by barcode (``stock_items_sync``): a barcode given
    twice for one shop, a barcode naming two items of the shop, or a quantity below the
    units the shop holds for shoppers."""
    errors: list[LineError] = []
    first_line: dict[tuple[int, str], int] = {}
    for (shop, data), line in zip(parsed.rows, parsed.lines, strict=True):
        if not data.barcode:
            continue
        key = (shop.pk, data.barcode)
        if key in first_line:
            errors.append(
                LineError(line, f"barcode {data.barcode[:64]!r} also on line {first_line[key]}")
            )
        else:
            first_line[key] = line
    if not first_line:
        return errors
    shop_ids = {shop_id for shop_id, _ in first_line}
    named = (
        StockItem.objects.filter(shop_id__in=shop_ids)
        .exclude(barcode="")
        .values("shop_id", "barcode")
        .annotate(n=Count("pk"), held=Sum("held"))
        .filter(Q(n__gt=1) | Q(held__gt=0))
    )
    troubles = {(row["shop_id"], row["barcode"]): (row["n"], row["held"]) for row in named}
    for (shop, data), line in zip(parsed.rows, parsed.lines, strict=True):
        n, held = troubles.get((shop.pk, data.barcode), (0, 0)) if data.barcode else (0, 0)
        if n > 1:
            errors.append(
                LineError(line, f"barcode {data.barcode[:64]!r} names {n} items of {shop.slug}")
            )
        elif held and data.quantity < held:
            errors.append(
                LineError(line, f"quantity {data.quantity} is below the {held} held for shoppers")
            )
    return errors


def _columns(header: list[str] | None, *, fixed_shop: bool, line: int, out: StockCsv) -> list[str]:
    """The column order: the header's, or the contract's. An empty list means unusable."""
    if header is None:
        return list(COLUMNS)
    missing = REQUIRED - set(header) - ({"shop"} if fixed_shop else set())
    if missing:
        out.errors.append(LineError(line, f"header lacks {', '.join(sorted(missing))}"))
        return []
    return header


def _row(
    values: dict[str, str], *, shops: dict[str, Shop], fixed_shop: Shop | None
) -> tuple[tuple[Shop, StockInput] | None, list[str]]:
    problems: list[str] = []
    slug = values.get("shop", "").strip()
    shop = shops.get(slug) if slug else fixed_shop
    if fixed_shop is not None and slug and slug != fixed_shop.slug:
        problems.append(f"shop {slug[:60]!r} is not {fixed_shop.slug!r}")
    elif shop is None:
        problems.append(f"unknown shop {slug[:60]!r}" if slug else "no shop")

    name = " ".join(values["name"].split())
    if not name:
        problems.append("empty name")
    elif len(name) > NAME_MAX:
        problems.append(f"name too long ({len(name)} characters, at most {NAME_MAX})")

    keywords = [" ".join(k.split()) for k in values["keywords"].split(";")]
    keywords = [k for k in keywords if k]
    if len(keywords) > KEYWORDS_MAX:
        problems.append(f"too many keywords ({len(keywords)}, at most {KEYWORDS_MAX})")
    if any(len(k) > KEYWORD_MAX for k in keywords):
        problems.append(f"keyword too long (at most {KEYWORD_MAX} characters)")

    quantity = _integer(values["quantity"], "quantity", 0, QUANTITY_MAX, problems)
    price = _price(values["price"], problems)

    barcode = values.get("barcode", "").strip()
    if len(barcode) > BARCODE_MAX:
        problems.append(f"barcode too long ({len(barcode)} characters, at most {BARCODE_MAX})")

    valid_days = None
    if values.get("valid_days", "").strip():
        valid_days = _integer(values["valid_days"], "valid_days", 1, VALID_DAYS_MAX, problems)

    if problems or shop is None or quantity is None or price is None:
        return None, problems
    return (
        shop,
        StockInput(
            name=name,
            keywords=keywords,
            quantity=quantity,
            price=price,
            barcode=barcode,
            valid_days=valid_days,
        ),
    ), problems


def _integer(text: str, what: str, low: int, high: int, problems: list[str]) -> int | None:
    text = text.strip()
    try:
        value = int(text)
    except ValueError:
        problems.append(f"bad number for {what}: {text[:30]!r}")
        return None
    if value < low:
        problems.append(
            f"negative {what}: {value}" if value < 0 else f"{what} below {low}: {value}"
        )
        return None
    if value > high:
        problems.append(f"{what} too large: {value} (at most {high})")
        return None
    return value


def _price(text: str, problems: list[str]) -> Decimal | None:
    text = text.strip()
    try:
        price = Decimal(text)
    except InvalidOperation:
        problems.append(f"bad price: {text[:30]!r}")
        return None
    if not price.is_finite():
        problems.append(f"bad price: {text[:30]!r}")
        return None
    if price < 0:
        problems.append(f"bad price: negative ({text[:30]})")
        return None
    if price > PRICE_MAX:
        problems.append(f"bad price: too large ({text[:30]}, at most {PRICE_MAX})")
        return None
    if price != price.quantize(Decimal("0.01")):
        problems.append(f"bad price: more than 2 decimals ({text[:30]})")
        return None
    return price.quantize(Decimal("0.01"))
