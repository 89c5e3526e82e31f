"""What a shop serving a shopper sees of them: which of its cards are taken or hold
something (the card payloads' ``taken_by`` and ``holds``). The shopper's own holds and
alternatives are ``stock.payloads``'s."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from matching.models import Card
from stock.models import Hold
from stock.payloads import hold_payload
from stock.selectors import holds_live


def cards_serving(*, customer_id: int) -> dict[int, tuple[str | None, list[dict[str, Any]]]]:
    """For each shop with a card of the shopper that is taken or holds something: the clerk
    serving them and the shop's holds (``card_payload``'s ``taken_by`` and ``holds``).

    It runs at every sighting, and most shoppers have neither: one plain SQL query says
    which there are (the ORM's query building cost more than the query), and only then are
    clerks and holds read.
    """
    quote = connection.ops.quote_name
    card, hold = Card._meta, Hold._meta
    now = hold.get_field("until").get_db_prep_value(timezone.now(), connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1, {quote('shop_id')}, {quote('taken_by_id')} FROM {quote(card.db_table)}"
            f" WHERE {quote('customer_id')} = %s AND {quote('taken_by_id')} IS NOT NULL"
            f" UNION ALL SELECT 2, {quote('shop_id')}, {quote('id')} FROM {quote(hold.db_table)}"
            f" WHERE {quote('customer_id')} = %s AND {quote('until')} > %s",
            [customer_id, customer_id, now],
        )
        rows = cursor.fetchall()
    if not rows:
        return {}
    clerks = {shop_id: user_id for kind, shop_id, user_id in rows if kind == 1}
    names = dict(
        get_user_model()
        .objects.filter(pk__in=set(clerks.values()))
        .values_list("pk", get_user_model().USERNAME_FIELD)
    )
    serving: dict[int, tuple[str | None, list[dict[str, Any]]]] = {
        shop_id: (names.get(user_id), []) for shop_id, user_id in clerks.items()
    }
    hold_ids = [hold_id for kind, _, hold_id in rows if kind == 2]
    if hold_ids:
        for held in holds_live(customer_id=customer_id).filter(pk__in=hold_ids):
            clerk, holds = serving.get(held.shop_id, (None, []))
            holds.append(hold_payload(held))
            serving[held.shop_id] = (clerk, holds)
    return serving
