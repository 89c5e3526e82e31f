"""Reads that span apps for one page or API: composed here, so a door imports its own app,
the floors below it and the workflows only (docs/decisions/0013-the-house.md)."""

from __future__ import annotations

from typing import Any

from customers.models import Customer
from customers.payloads import customer_profile, customer_serving
from matching.selectors import customer_results
from reports.selectors import UnmetWant, access_looked_at_by, shop_demand_near


def me_profile(customer: Customer) -> dict[str, Any]:
    """What the shopper sees of themself: the profile, where they were last seen (``at``,
    null when not in the mall's sight) and their latest list (``[]`` before any sighting),
    with what shops do for them (``customer_serving``)."""
    kiosk = customer.last_kiosk if customer.out_of_range_since is None else None
    at = None
    if kiosk is not None:
        floor, x, y = kiosk.position
        at = {"kiosk": kiosk.name, "floor": floor, "x": x, "y": y}
    results = customer_results(customer=customer) if at is not None else []
    return {
        **customer_profile(customer),
        "at": at,
        "results": results,
        **customer_serving(customer),
    }


def me_answer(customer: Customer) -> dict[str, Any]:
    """``GET /api/me/`` (and the ``/me/`` page): ``me_profile`` and ``looked_at_by``, the
    shops that looked at the shopper (the access log)."""
    return {**me_profile(customer), "looked_at_by": access_looked_at_by(customer=customer)}


def shop_demand_missing(*, shop_id: int) -> list[UnmetWant]:
    """The clerk dashboard's "missing": what shoppers wanted near the shop's goods and
    found nowhere lately (``reports.selectors.shop_demand_near``)."""
    return shop_demand_near(shop_id=shop_id)
