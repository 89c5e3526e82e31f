"""Writes of stock: items in and out, imports, and sales."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from customers.models import Customer
from customers.selectors import customer_by_code
from customers.services import customer_delete, customer_refresh
from mall.errors import DomainError, NotFound, OutOfStock
from mall.models import Shop
from mall.selectors import retention_current
from matching import engine
from matching.models import Card
from matching.selectors import synonyms_current
from matching.services import (
    customers_refresh_for_item,
    customers_refresh_for_items,
    stock_items_index,
)
from stock.models import Sale, StockItem


@dataclass(frozen=True)
class StockInput:
    name: str
    keywords: list[str]
    quantity: int
    price: Decimal
    barcode: str = ""
    valid_days: int | None = None


def _expiry(valid_days: int | None, now: datetime) -> datetime:
    days = valid_days if valid_days is not None else retention_current().stock_days
    return now + timedelta(days=days)


def stock_item_create(*, shop: Shop, data: StockInput) -> StockItem:
    """Register an item with ``shop`` for its validity period, and index it."""
    now = timezone.now()
    with transaction.atomic():
        item = StockItem.objects.create(
            shop=shop,
            name=data.name,
            keywords=data.keywords,
            quantity=data.quantity,
            price=data.price,
            barcode=data.barcode,
            expires_at=_expiry(data.valid_days, now),
        )
        stock_items_index(items=[item])
        customers_refresh_for_item(item=item)  # shoppers in the mall who want it: live push
    return item


def stock_items_import(
    *,
    rows: Iterable[tuple[Shop, StockInput]],
    batch_size: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Create many items in one transaction, in batches (the CSV import). Returns the count.

    Rows go in by multi-row ``INSERT ... RETURNING id`` rather than ``bulk_create``: the
    ORM's per-object work made 200,000 rows take minutes (issue 2 asks for <= 60 s).
    """
    now = timezone.now()
    default_days = retention_current().stock_days
    count = 0
    batch: list[tuple[Shop, StockInput]] = []

    def flush() -> list[int]:
        nonlocal count
        ids = _stock_rows_insert(batch, now=now, default_days=default_days)
        rows_data = list(batch)
        stock_items_index(
            items=[
                _NewItem(pk=pk, name=data.name, keywords=data.keywords)
                for pk, (_, data) in zip(ids, batch, strict=True)
            ]
        )
        count += len(ids)
        if progress:
            progress(len(ids))
        batch.clear()
        return [pk for pk, (_, data) in zip(ids, rows_data, strict=True) if data.quantity > 0]

    new_ids: list[int] = []
    with transaction.atomic():
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_size:
                new_ids += flush()
        if batch:
            new_ids += flush()
        # A restock for the shoppers here now (flow 5b), through the index.
        customers_refresh_for_items(item_ids=new_ids)
    return count


@dataclass(frozen=True)
class _NewItem:
    """What the index needs of an item just inserted."""

    pk: int
    name: str
    keywords: list[str]


#: Rows per INSERT statement: 8 parameters each, under SQLite's 32,766 and Postgres' 65,535.
_INSERT_ROWS = 1000


def _stock_rows_insert(
    rows: list[tuple[Shop, StockInput]], *, now: datetime, default_days: int
) -> list[int]:
    """Insert ``rows`` as stock items; their new ids, in the order of ``rows``."""
    fields = [
        StockItem._meta.get_field(name)
        for name in (
            "shop",
            "name",
            "keywords",
            "quantity",
            "price",
            "barcode",
            "registered_at",
            "expires_at",
        )
    ]
    keywords_field, price_field, date_field = fields[2], fields[4], fields[7]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    registered = date_field.get_db_prep_save(now, connection)
    expiries: dict[int, Any] = {}
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _INSERT_ROWS):
            chunk = rows[start : start + _INSERT_ROWS]
            params: list[Any] = []
            for shop, data in chunk:
                days = data.valid_days if data.valid_days is not None else default_days
                if days not in expiries:
                    expiries[days] = date_field.get_db_prep_save(
                        now + timedelta(days=days), connection
                    )
                params += (
                    shop.pk,
                    data.name,
                    keywords_field.get_db_prep_save(data.keywords, connection),
                    data.quantity,
                    price_field.get_db_prep_save(data.price, connection),
                    data.barcode,
                    registered,
                    expiries[days],
                )
            # RETURNING lists the rows in VALUES order on SQLite and PostgreSQL; Django's
            # own bulk_create relies on the same.
            cursor.execute(
                f"INSERT INTO {quote(StockItem._meta.db_table)} ({columns}) VALUES "
                + ", ".join([one_row] * len(chunk))
                + f" RETURNING {quote('id')}",
                params,
            )
            ids += [row[0] for row in cursor.fetchall()]
    return ids


def stock_item_save(*, item: StockItem) -> StockItem:
    """Save a new item built elsewhere (the admin's form), index it, and tell the shoppers
    here who want it (a restock, DESIGN.md flow 5b)."""
    with transaction.atomic():
        item.save()
        stock_items_index(items=[item])
        customers_refresh_for_item(item=item)
    return item


def stock_item_update(*, item: StockItem, changes: dict) -> StockItem:
    """Change an item's fields; a new name or keywords re-index it. An item that becomes
    available (quantity up from 0, renamed, kept longer) reaches the shoppers here who
    want it (flow 5b); shoppers holding a card at the shop are matched again."""
    with transaction.atomic():
        was_empty = item.quantity <= 0 or item.expires_at <= timezone.now()
        valid_days = changes.pop("valid_days", None)
        for field, value in changes.items():
            setattr(item, field, value)
        if valid_days is not None:
            item.expires_at = _expiry(valid_days, timezone.now())
        item.save()
        renamed = bool({"name", "keywords"} & changes.keys())
        if renamed:
            stock_items_index(items=[item])
        if "quantity" in changes or valid_days is not None or renamed:
            _shop_cards_refresh(shop_id=item.shop_id)
        if item.quantity > 0 and (was_empty or renamed):
            customers_refresh_for_items(item_ids=[item.pk])
    return item


def stock_items_validity_extend(*, item_ids: list[int], days: int) -> int:
    """Keep items ``days`` longer: from their expiry, or from now for those past it
    (not yet purged). Returns the number of items."""
    now = timezone.now()
    items = StockItem.objects.filter(pk__in=item_ids)
    with transaction.atomic():
        # Running ones first: once moved they are still after ``now``, so not moved twice.
        running = items.filter(expires_at__gt=now).update(
            expires_at=F("expires_at") + timedelta(days=days)
        )
        late_ids = list(items.filter(expires_at__lte=now).values_list("pk", flat=True))
        late = StockItem.objects.filter(pk__in=late_ids).update(
            expires_at=now + timedelta(days=days)
        )
        # Items past their expiry but not yet purged are offered again: a restock.
        customers_refresh_for_items(item_ids=late_ids)
    return late + running


def stock_item_delete(*, item: StockItem) -> None:
    """Take an item off the shelves; cards that relied on it are refreshed."""
    with transaction.atomic():
        shop_id = item.shop_id
        item.delete()
        _shop_cards_refresh(shop_id=shop_id)


def _shop_cards_refresh(*, shop_id: int) -> None:
    """Rerun matching for the shoppers holding a live card at this shop: what they were
    shown there may be gone."""
    customer_ids = Card.objects.filter(shop_id=shop_id).values_list("customer_id", flat=True)
    for customer in Customer.objects.filter(pk__in=list(customer_ids)).select_related(
        "last_kiosk__shop"
    ):
        customer_refresh(customer=customer)


def sale_record(
    *, shop: Shop, item_id: int, quantity: int, customer_code: str | None = None
) -> Sale:
    """Sell ``quantity`` of an item of ``shop``; with a shopper's code, fulfil their wants.

    Stock goes down by one conditional UPDATE, so it never goes below zero even under
    concurrent sales; a sale of more than is left is refused (``OutOfStock``). Wants the
    item matches are deleted; a shopper left with none is deleted.
    """
    if quantity < 1:
        raise DomainError("Quantity must be at least 1.", code="invalid_quantity")
    customer = None
    if customer_code:
        customer = customer_by_code(customer_code)
    with transaction.atomic():
        item = StockItem.objects.filter(pk=item_id, shop=shop).first()
        if item is None:
            raise NotFound(f"No item {item_id} in {shop.name}.", code="unknown_item")
        if not item.take(quantity):
            raise OutOfStock(f"Only {item.quantity} of {item.name!r} left; cannot sell {quantity}.")
        fulfilled = 0
        if customer is not None:
            fulfilled = _desires_fulfil(customer=customer, item=item)
        sale = Sale.objects.create(
            shop=shop,
            item=item,
            item_name=item.name,
            quantity=quantity,
            unit_price=item.price,
            wants_fulfilled=fulfilled,
        )
        if item.quantity == 0:
            _shop_cards_refresh(shop_id=shop.pk)
    return sale


def _desires_fulfil(*, customer: Customer, item: StockItem) -> int:
    synonyms = synonyms_current()
    terms = engine.item_terms(item.name, item.keywords)
    matched = [
        desire.pk
        for desire in customer.desires.all()
        if engine.want_matches(engine.want_phrases(desire.name, desire.keywords), terms, synonyms)
    ]
    customer.desires.filter(pk__in=matched).delete()
    if not customer.desires.exists():
        customer_delete(customer=customer)
    else:
        customer_refresh(customer=customer)
    return len(matched)


def stock_expired_purge(*, now: datetime) -> int:
    """Delete stock past its validity; cards that relied on it are refreshed."""
    expired = StockItem.objects.filter(expires_at__lte=now)
    shop_ids = set(expired.values_list("shop_id", flat=True))
    _, per_model = expired.delete()
    for shop_id in shop_ids:
        _shop_cards_refresh(shop_id=shop_id)
    return per_model.get("stock.StockItem", 0)
