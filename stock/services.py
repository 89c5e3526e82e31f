"""Writes of stock: items in and out, imports, and sales."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from core.errors import Conflict, DomainError, NotAvailable, NotFound, OutOfStock
from customers.models import Customer
from customers.selectors import (
    UNKNOWN_CODE,
    customer_visible_by_code,
    customer_visible_to_shop,
)
from customers.services import customer_delete, customer_refresh, holds_push, items_restocked
from mall.models import Shop
from mall.selectors import retention_current
from matching import engine, realtime
from matching.models import Card
from matching.selectors import synonyms_current
from matching.services import (
    card_release,
    customers_refresh_for_item,
    customers_refresh_for_items,
    stock_items_index,
)
from reports.models import AccessAction, ConversionEvent
from reports.services import access_log_record, conversion_count
from stock.models import Alternative, Hold, Sale, StockItem
from stock.selectors import shop_items_by_barcode

#: How long a hold lasts when the clerk gives no time, and at most.
HOLD_DEFAULT = timedelta(hours=2)
HOLD_MAX = timedelta(hours=24)


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
    terms_known: dict[str, int] = {}  # term ids read by earlier batches (one transaction)

    def flush() -> list[int]:
        nonlocal count
        ids = _stock_rows_insert(batch, now=now, default_days=default_days)
        rows_data = list(batch)
        stock_items_index(
            items=[
                _NewItem(pk=pk, name=data.name, keywords=data.keywords)
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


@dataclass(frozen=True)
class SyncReport:
    """What ``stock_items_sync`` did."""

    created: int
    updated: int
    removed: int

    @property
    def imported(self) -> int:
        return self.created + self.updated


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
        for item in (
            StockItem.objects.filter(shop_id__in=shop_ids)
            .exclude(barcode="")
            .only("pk", "shop_id", "barcode", "name", "keywords", "quantity", "held", "expires_at")
        ):
            if (item.shop_id, item.barcode) in barcodes:
                existing[(item.shop_id, item.barcode)] = item
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
            _stock_items_unnamed_delete(shop_ids, keep={i.pk for i, _ in updates})
            if (replace)
            else 0
        )
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
            _shop_cards_refresh(shop_id=shop_id)
        if restocked:
            items_restocked(items=restocked)
    return SyncReport(created=created, updated=len(updates), removed=removed)


def _stock_items_unnamed_delete(shop_ids: set[int], *, keep: set[int]) -> int:
    """Delete the items of ``shop_ids`` not in ``keep`` (``--replace``); returns how many.
    The cards of those shops are refreshed by the caller's refresh of the updates, or
    here when nothing was updated."""
    gone = [
        pk
        for pk in StockItem.objects.filter(shop_id__in=shop_ids).values_list("pk", flat=True)
        if pk not in keep
    ]
    for start in range(0, len(gone), 500):
        StockItem.objects.filter(pk__in=gone[start : start + 500]).delete()
    if gone:
        for shop_id in shop_ids:
            _shop_cards_refresh(shop_id=shop_id)
    return len(gone)


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
            item.expires_at = _expiry(valid_days, timezone.now())
            fields.append("expires_at")
        if fields:
            item.save(update_fields=fields)
        if quantity is not None:
            _quantity_set(item=item, quantity=quantity)
        renamed = bool({"name", "keywords"} & changes.keys())
        if renamed:
            stock_items_index(items=[item])
        if quantity is not None or valid_days is not None or renamed:
            _shop_cards_refresh(shop_id=item.shop_id)
        if item.free > 0 and (was_empty or renamed):
            customers_refresh_for_items(item_ids=[item.pk])
    return item


def _quantity_set(*, item: StockItem, quantity: int) -> None:
    if not StockItem.objects.filter(pk=item.pk, held__lte=quantity).update(quantity=quantity):
        item.refresh_from_db(fields=["held"])
        raise Conflict(
            f"{item.held} of {item.name!r} are held for shoppers: the quantity cannot go "
            f"below that (cancel a hold first).",
            code="held_units",
        )
    item.refresh_from_db(fields=["quantity", "held"])


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


def _shop_cards_refresh(*, shop_id: int, besides: int | None = None) -> None:
    """Rerun matching for the shoppers holding a live card at this shop: what they were
    shown there may be gone. ``besides``: a shopper left out (the one just served)."""
    customer_ids = (
        Card.objects.filter(shop_id=shop_id)
        .exclude(customer_id=besides)
        .values_list("customer_id", flat=True)
    )
    for customer in Customer.objects.filter(pk__in=list(customer_ids)).select_related(
        "last_kiosk__shop"
    ):
        customer_refresh(customer=customer)


def sale_record(
    *, shop: Shop, item_id: int, quantity: int, customer_code: str | None = None
) -> Sale:
    """Sell ``quantity`` of an item of ``shop``; with a shopper's code, fulfil their wants.

    Stock goes down by one conditional UPDATE, so it never goes below zero even under
    concurrent sales; a sale of more than is free is refused (``OutOfStock``). Units held
    for this shopper are theirs: the sale takes them first and ends those holds. Wants the
    item matches are deleted; a shopper left with none is deleted; the card is released.
    A code is only taken from a shopper the shop may see (a live card or a share): any other
    code is refused (``NotFound``, as for an unknown code) before any stock is taken.
    """
    if quantity < 1:
        raise DomainError("Quantity must be at least 1.", code="invalid_quantity")
    customer = None
    if customer_code:
        customer = customer_visible_by_code(code=customer_code, shop_id=shop.pk)
    with transaction.atomic():
        item = StockItem.objects.filter(pk=item_id, shop=shop).first()
        if item is None:
            raise NotFound(f"No item {item_id} in {shop.name}.", code="unknown_item")
        from_held = 0
        if customer is not None:
            from_held = _holds_consume(item=item, customer=customer, quantity=quantity)
        if not item.take(quantity, from_held=from_held):
            item.refresh_from_db(fields=["quantity", "held"])
            raise OutOfStock(
                f"Only {item.free + from_held} of {item.name!r} free; cannot sell {quantity}."
            )
        fulfilled = 0
        if customer is not None:
            card_release(shop_id=shop.pk, customer=customer)
            if from_held:
                holds_push(customer=customer, shop_id=shop.pk)
            fulfilled = _desires_fulfil(customer=customer, item=item)
        sale = Sale.objects.create(
            shop=shop,
            item=item,
            item_name=item.name,
            quantity=quantity,
            unit_price=item.price,
            wants_fulfilled=fulfilled,
        )
        if customer is not None:
            conversion_count(shop_id=shop.pk, event=ConversionEvent.SALE_WITH_CODE)
        if from_held:
            conversion_count(shop_id=shop.pk, event=ConversionEvent.HOLD_SOLD)
        if item.free == 0:
            _shop_cards_refresh(shop_id=shop.pk)
    return sale


def _holds_consume(*, item: StockItem, customer: Customer, quantity: int) -> int:
    """End the shopper's holds on ``item`` for up to ``quantity`` units (soonest to end
    first); returns the units so freed for their sale. Each hold row is claimed by a
    conditional DELETE or UPDATE: a hold cancelled meanwhile is not counted twice."""
    taken = 0
    for hold in Hold.objects.filter(item=item, customer=customer).order_by("until", "pk"):
        if taken >= quantity:
            break
        use = min(hold.quantity, quantity - taken)
        row = Hold.objects.filter(pk=hold.pk, quantity=hold.quantity)
        claimed = (
            row.delete()[0] if use == hold.quantity else row.update(quantity=F("quantity") - use)
        )
        if claimed:
            taken += use
    return taken


def hold_create(
    *,
    shop: Shop,
    customer: Customer,
    item_id: int,
    quantity: int = 1,
    until: datetime | None = None,
    clerk: Any = None,
    check_visible: bool = True,
) -> Hold:
    """Keep ``quantity`` free units of a shop's item for a shopper the shop sees, until
    ``until`` (default in 2 hours, at most 24 hours ahead).

    The units come out of what is free by one conditional UPDATE (``StockItem.hold``), so
    holds and sales together never promise more than the shelf has; fewer free units than
    asked is ``NotAvailable`` (409) and nothing changes.
    """
    if quantity < 1:
        raise DomainError("Quantity must be at least 1.", code="invalid_quantity")
    now = timezone.now()
    until = until or now + HOLD_DEFAULT
    if until <= now:
        raise DomainError("A hold must end in the future.", code="invalid_until")
    if until > now + HOLD_MAX:
        raise DomainError("A hold lasts at most 24 hours.", code="invalid_until")
    if check_visible and not customer_visible_to_shop(customer=customer, shop_id=shop.pk):
        # The same answer as an unknown code: a shop cannot probe which codes exist.
        raise NotFound(UNKNOWN_CODE, code="unknown_customer")
    with transaction.atomic():
        item = StockItem.objects.filter(pk=item_id, shop=shop).first()
        if item is None:
            raise NotFound(f"No item {item_id} in {shop.name}.", code="unknown_item")
        if not item.hold(quantity):
            item.refresh_from_db(fields=["quantity", "held"])
            raise NotAvailable(
                f"Only {max(item.free, 0)} of {item.name!r} free; cannot hold {quantity}."
            )
        hold = Hold.objects.create(
            item=item, shop=shop, customer=customer, quantity=quantity, until=until, clerk=clerk
        )
        conversion_count(shop_id=shop.pk, event=ConversionEvent.HOLD_MADE)
        access_log_record(
            action=AccessAction.HOLD,
            shop=shop,
            customer_code=customer.code,
            customer=customer,
            clerk=clerk,
        )
        holds_push(customer=customer, shop_id=shop.pk)
        if item.free == 0:
            # Offered to no one else now: the other shoppers' lists and cards follow.
            _shop_cards_refresh(shop_id=shop.pk, besides=customer.pk)
    return hold


def hold_cancel(*, hold: Hold) -> bool:
    """End a hold without a sale (the clerk or the shopper cancelled it, or it expired):
    its units are free again, a restock for the shoppers who want them. False when it had
    ended meanwhile (nothing is given back twice)."""
    with transaction.atomic():
        if not Hold.objects.filter(pk=hold.pk).delete()[0]:
            return False
        item = StockItem.objects.get(pk=hold.item_id)
        was_free = item.free
        item.release(hold.quantity)
        holds_push(customer=hold.customer, shop_id=hold.shop_id)
        if was_free == 0 and item.free > 0:
            items_restocked(items=[item])
    return True


def holds_expired_purge(*, now: datetime) -> int:
    """End every hold past its time (``manage.py purge``). Returns how many ended."""
    ended = 0
    for hold in Hold.objects.filter(until__lte=now).select_related("customer"):
        if hold_cancel(hold=hold):
            ended += 1
            conversion_count(shop_id=hold.shop_id, event=ConversionEvent.HOLD_EXPIRED)
    return ended


def alternative_create(
    *, shop: Shop, customer: Customer, desire_id: int, item_id: int, note: str = ""
) -> Alternative:
    """Offer a shopper the shop sees another of its items for one of their wants."""
    if not customer_visible_to_shop(customer=customer, shop_id=shop.pk):
        raise NotFound(UNKNOWN_CODE, code="unknown_customer")
    desire = customer.desires.filter(pk=desire_id).first()
    if desire is None:
        raise NotFound("No such wanted product for this shopper.", code="unknown_desire")
    item = StockItem.objects.filter(pk=item_id, shop=shop).first()
    if item is None:
        raise NotFound(f"No item {item_id} in {shop.name}.", code="unknown_item")
    with transaction.atomic():
        alternative = Alternative.objects.create(
            desire=desire, customer=customer, item=item, shop=shop, note=note.strip()[:200]
        )
        realtime.push(
            realtime.customer_group(customer.pk),
            realtime.alternative_new_message(realtime.alternative_payload(alternative)),
        )
        holds_push(customer=customer, shop_id=None)
    return alternative


def alternative_accept(*, customer: Customer, alternative_id: int) -> Hold:
    """The shopper takes up an alternative: one unit is held for them (as a clerk's hold,
    for the default time) and the offer is gone. ``NotAvailable`` if none is free."""
    with transaction.atomic():
        alternative = _alternative_of(customer=customer, alternative_id=alternative_id)
        hold = hold_create(
            shop=alternative.shop,
            customer=customer,
            item_id=alternative.item_id,
            quantity=1,
            check_visible=False,  # the shopper asks for it themselves
        )
        alternative.delete()
    return hold


def alternative_dismiss(*, customer: Customer, alternative_id: int) -> None:
    """The shopper does not want an alternative: it is gone."""
    with transaction.atomic():
        _alternative_of(customer=customer, alternative_id=alternative_id).delete()
        holds_push(customer=customer, shop_id=None)


def _alternative_of(*, customer: Customer, alternative_id: int) -> Alternative:
    alternative = (
        Alternative.objects.filter(pk=alternative_id, customer=customer)
        .select_related("shop")
        .first()
    )
    if alternative is None:
        raise NotFound("No such alternative for you.", code="unknown_alternative")
    return alternative


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
