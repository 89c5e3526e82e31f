"""Writes of stock: items in and out, imports, and sales."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import F

from core.columns import concrete_field
from core.errors import Conflict, NotFound
from mall.models import Shop
from mall.selectors import retention_current
from stock.models import Alternative, Hold, StockItem

if TYPE_CHECKING:
    from customers.models import Customer

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


def expiry_at(valid_days: int | None, now: datetime) -> datetime:
    days = valid_days if valid_days is not None else retention_current().stock_days
    return now + timedelta(days=days)


@dataclass(frozen=True)
class SyncReport:
    """What ``stock_items_sync`` did."""

    created: int
    updated: int
    removed: int

    @property
    def imported(self) -> int:
        return self.created + self.updated


def stock_items_unnamed_delete(shop_ids: set[int], *, keep: set[int]) -> int:
    """Delete the items of ``shop_ids`` not in ``keep`` (``--replace``); returns how many.
    The caller refreshes the cards of those shops."""
    gone = [
        pk
        for pk in StockItem.objects.filter(shop_id__in=shop_ids).values_list("pk", flat=True)
        if pk not in keep
    ]
    for start in range(0, len(gone), 500):
        StockItem.objects.filter(pk__in=gone[start : start + 500]).delete()
    return len(gone)


@dataclass(frozen=True)
class NewItem:
    """What the index needs of an item just inserted."""

    pk: int
    name: str
    keywords: list[str]


#: Rows per INSERT statement: 8 parameters each, under SQLite's 32,766 and Postgres' 65,535.
_INSERT_ROWS = 1000


def stock_rows_insert(
    rows: list[tuple[Shop, StockInput]], *, now: datetime, default_days: int
) -> list[int]:
    """Insert ``rows`` as stock items; their new ids, in the order of ``rows``."""
    fields = [
        concrete_field(StockItem, name)
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


def quantity_set(*, item: StockItem, quantity: int) -> None:
    if not StockItem.objects.filter(pk=item.pk, held__lte=quantity).update(quantity=quantity):
        item.refresh_from_db(fields=["held"])
        raise Conflict(
            f"{item.held} of {item.name!r} are held for shoppers: the quantity cannot go "
            f"below that (cancel a hold first).",
            code="held_units",
        )
    item.refresh_from_db(fields=["quantity", "held"])


def holds_consume(*, item: StockItem, customer: Customer, quantity: int) -> int:
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


def alternative_of(*, customer: Customer, alternative_id: int) -> Alternative:
    alternative = (
        Alternative.objects.filter(pk=alternative_id, customer=customer)
        .select_related("shop")
        .first()
    )
    if alternative is None:
        raise NotFound("No such alternative for you.", code="unknown_alternative")
    return alternative
