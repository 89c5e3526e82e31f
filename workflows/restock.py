"""A restock: items added, imported, renamed, kept longer or back from zero reach the
shoppers in the mall who want them (DESIGN.md, flow 5b); items gone or changed refresh the
cards that showed them. Stock's writes, matching's index, then the cards (``workflows.cards``)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core.errors import Conflict, DomainError
from customers.models import Customer
from mall.models import Shop
from mall.selectors import retention_current
from matching import services as matching_services
from matching.models import Card
from matching.selectors import customer_position
from matching.services import stock_items_index
from stock.models import StockItem
from stock.selectors import shop_items_by_barcode
from stock.services import (
    NewItem,
    StockInput,
    SyncReport,
    expiry_at,
    quantity_set,
    stock_items_unnamed_delete,
    stock_rows_insert,
)
from workflows.cards import cards_refresh, customer_refresh


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
            expires_at=expiry_at(data.valid_days, now),
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
    terms_known: dict[str, int] = {}  # term ids read by earlier batches (one transaction)

    def flush() -> list[int]:
        nonlocal count
        ids = stock_rows_insert(batch, now=now, default_days=default_days)
        rows_data = list(batch)
        stock_items_index(
            items=[
                NewItem(pk=pk, name=data.name, keywords=data.keywords)
                for pk, (_, data) in zip(ids, batch, strict=True)
            ],
            new=True,
            known=terms_known,
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


def stock_items_sync(
    *,
    rows: list[tuple[Shop, StockInput]],
    replace: bool = False,
    progress: Callable[[int], None] | None = None,
) -> SyncReport:
    """Import a file's rows as a POS sync (``import_stock``, the dashboard's upload): a row
    whose barcode names an item of its shop updates that item (name, keywords, quantity,
    price, a fresh validity); any other row adds an item. With ``replace``, each shop of
    the file keeps only the items the file names: the others are deleted.

    The file was checked first (``stock.imports``): no barcode twice per shop, none naming
    two items, no quantity below what is held. Items made available are a restock.
    """
    now = timezone.now()
    shop_ids = {shop.pk for shop, _ in rows}
    barcodes = {(shop.pk, data.barcode) for shop, data in rows if data.barcode}
    existing: dict[tuple[int, str], StockItem] = {}
    if barcodes:
        for stocked in (
            StockItem.objects.filter(shop_id__in=shop_ids)
            .exclude(barcode="")
            .only("pk", "shop_id", "barcode", "name", "keywords", "quantity", "held", "expires_at")
        ):
            if (stocked.shop_id, stocked.barcode) in barcodes:
                existing[(stocked.shop_id, stocked.barcode)] = stocked
    inserts: list[tuple[Shop, StockInput]] = []
    updates: list[tuple[StockItem, StockInput]] = []
    for shop, data in rows:
        item = existing.get((shop.pk, data.barcode)) if data.barcode else None
        if item is None:
            inserts.append((shop, data))
        else:
            updates.append((item, data))
    default_days = retention_current().stock_days
    with transaction.atomic():
        removed = (
            stock_items_unnamed_delete(shop_ids, keep={i.pk for i, _ in updates}) if replace else 0
        )
        if removed:
            for shop_id in shop_ids:
                shop_cards_refresh(shop_id=shop_id)
        restocked: list[StockItem] = []
        renamed: list[StockItem] = []
        for item, data in updates:
            was_offered = item.quantity > item.held and item.expires_at > now
            is_renamed = (item.name, list(item.keywords)) != (data.name, data.keywords)
            if is_renamed:
                renamed.append(item)
            item.name, item.keywords = data.name, data.keywords
            item.quantity, item.price = data.quantity, data.price
            days = data.valid_days if data.valid_days is not None else default_days
            item.expires_at = now + timedelta(days=days)
            # Offered now and not before, or under other words: a restock (flow 5b).
            if item.quantity > item.held and (is_renamed or not was_offered):
                restocked.append(item)
        try:
            StockItem.objects.bulk_update(
                [item for item, _ in updates],
                ["name", "keywords", "quantity", "price", "expires_at"],
                batch_size=500,
            )
        except IntegrityError as error:  # a hold made since the file was checked
            raise Conflict(
                "A quantity is now below the units held for shoppers; check the file again.",
                code="held_units",
            ) from error
        if renamed:
            stock_items_index(items=renamed)
        if progress and updates:
            progress(len(updates))
        created = stock_items_import(rows=inserts, progress=progress) if inserts else 0
        for shop_id in {item.shop_id for item, _ in updates}:
            shop_cards_refresh(shop_id=shop_id)
        if restocked:
            items_restocked(items=restocked)
    return SyncReport(created=created, updated=len(updates), removed=removed)


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
    available (free units up from 0, renamed, kept longer) reaches the shoppers here who
    want it (flow 5b); shoppers holding a card at the shop are matched again.

    Only the changed columns are written, and a new quantity only if it still covers the
    units held for shoppers (one conditional UPDATE): a hold or a sale meanwhile is never
    overwritten. A quantity below what is held is refused (``Conflict``).
    """
    changes = dict(changes)
    with transaction.atomic():
        was_empty = item.free <= 0 or item.expires_at <= timezone.now()
        valid_days = changes.pop("valid_days", None)
        quantity = changes.pop("quantity", None)
        for field, value in changes.items():
            setattr(item, field, value)
        fields = list(changes)
        if valid_days is not None:
            item.expires_at = expiry_at(valid_days, timezone.now())
            fields.append("expires_at")
        if fields:
            item.save(update_fields=fields)
        if quantity is not None:
            quantity_set(item=item, quantity=quantity)
        renamed = bool({"name", "keywords"} & changes.keys())
        if renamed:
            stock_items_index(items=[item])
        if quantity is not None or valid_days is not None or renamed:
            shop_cards_refresh(shop_id=item.shop_id)
        if item.free > 0 and (was_empty or renamed):
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
        shop_cards_refresh(shop_id=shop_id)


def shop_cards_refresh(*, shop_id: int, besides: int | None = None) -> None:
    """Rerun matching for the shoppers holding a live card at this shop: what they were
    shown there may be gone. ``besides``: a shopper left out (the one just served)."""
    cards = Card.objects.filter(shop_id=shop_id)
    if besides is not None:
        cards = cards.exclude(customer_id=besides)
    customer_ids = cards.values_list("customer_id", flat=True)
    for customer in Customer.objects.filter(pk__in=list(customer_ids)).select_related(
        "last_kiosk__shop"
    ):
        customer_refresh(customer=customer)


def stock_item_put_by_barcode(
    *, shop: Shop, barcode: str, changes: dict[str, Any], add: int | None = None
) -> tuple[StockItem, bool]:
    """Create or update the shop's item with ``barcode`` (a POS syncing its catalogue, or
    a clerk's scan). ``add`` raises the quantity by that many in one UPDATE (a restock
    without knowing the count). Returns (item, created). A barcode naming two items of the
    shop is a ``Conflict`` and changes nothing. Making an item available is a restock.
    """
    barcode = barcode.strip()
    if not barcode:
        raise DomainError("The barcode is empty.", code="invalid_barcode")
    with transaction.atomic():
        items = shop_items_by_barcode(shop_id=shop.pk, barcode=barcode)
        if len(items) > 1:
            raise Conflict(
                f"Barcode {barcode!r} names several items of {shop.name}: fix them first.",
                code="ambiguous_barcode",
            )
        if not items:
            missing = {"name", "price"} - changes.keys()
            if missing:
                raise DomainError(
                    f"No item has barcode {barcode!r}: a new one needs "
                    f"{' and '.join(sorted(missing))}.",
                    code="missing_fields",
                )
            data = StockInput(
                name=changes["name"],
                keywords=changes.get("keywords", []),
                quantity=changes.get("quantity", 0) + (add or 0),
                price=changes["price"],
                barcode=barcode,
                valid_days=changes.get("valid_days"),
            )
            return stock_item_create(shop=shop, data=data), True
        item = items[0]
        stock_item_update(item=item, changes=changes)  # a restock there is told there
        if add:
            was_free = item.free
            StockItem.objects.filter(pk=item.pk).update(quantity=F("quantity") + add)
            item.refresh_from_db(fields=["quantity", "held"])
            if was_free <= 0:
                items_restocked(items=[item])
    return item, False


def stock_expired_purge(*, now: datetime) -> int:
    """Delete stock past its validity; cards that relied on it are refreshed."""
    expired = StockItem.objects.filter(expires_at__lte=now)
    shop_ids = set(expired.values_list("shop_id", flat=True))
    _, per_model = expired.delete()
    for shop_id in shop_ids:
        shop_cards_refresh(shop_id=shop_id)
    return per_model.get("stock.StockItem", 0)


def customers_refresh_for_items(*, item_ids: Collection[int]) -> int:
    """Items became available: rerun matching for the shoppers now in the mall whose wants
    match any of them (``matching.services.customers_wanting_items``), so their phone gets
    ``shops.update`` and the shops they head for get their card. Returns how many."""
    wanting = matching_services.customers_wanting_items(item_ids=item_ids)
    for customer in wanting:
        cards_refresh(customer=customer, at=customer_position(customer))
    return len(wanting)


def customers_refresh_for_item(*, item: StockItem) -> int:
    """``customers_refresh_for_items`` of one item, if it is in stock."""
    if item.quantity <= 0:
        return 0
    return customers_refresh_for_items(item_ids=[item.pk])


def items_restocked(*, items: list[StockItem]) -> None:
    """Items became available (restocked, or units no longer held): the shoppers in the
    mall who want them get their lists and cards again (flow 5b)."""
    customers_refresh_for_items(item_ids=[item.pk for item in items if item.free > 0])
