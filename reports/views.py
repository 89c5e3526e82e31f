"""Report pages: mall staff's in the admin (``/admin/reports/``), each shop's own slice
(``/shop/<slug>/reports/``), and the CSV of every table on them.

Each page is charts drawn on the server as SVG (``reports.charts``) with the numbers
beside them; ``?days=N`` picks the period (``PERIODS``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from core.api_errors import error_body
from core.errors import NotFound
from mall.models import Shop
from mall.selectors import shop_by_slug, user_is_clerk_of
from reports import charts, selectors
from reports.exports import csv_response
from reports.models import CARD_FUNNEL, HOLD_FUNNEL, ConversionEvent

#: The periods offered, in days; the first page shows ``DEFAULT_DAYS``.
PERIODS = (7, 14, 30, 90)
DEFAULT_DAYS = 14
#: Rows of a table shown on the page; the CSV has them all.
PAGE_ROWS = 15

EVENT_LABELS = [ConversionEvent(event).label for event in ConversionEvent.values]


@dataclass
class Table:
    """The numbers beside a chart, and the CSV of the same name."""

    name: str
    title: str
    header: list[str]
    rows: list[list[Any]]
    csv_url: str = ""

    @property
    def shown(self) -> list[list[Any]]:
        return self.rows[:PAGE_ROWS]


class BadPeriod(ValueError):
    pass


def _period(request: HttpRequest) -> tuple[int, date]:
    raw = request.GET.get("days", str(DEFAULT_DAYS))
    if raw not in {str(days) for days in PERIODS}:
        raise BadPeriod(f"days must be one of {', '.join(map(str, PERIODS))}.")
    days = int(raw)
    return days, timezone.localdate() - timedelta(days=days - 1)


def _bad_period(error: BadPeriod) -> JsonResponse:
    return JsonResponse(error_body("invalid_period", str(error)), status=400)


def _day(day: date) -> str:
    return f"{day:%d %b}"


# Mall staff ---------------------------------------------------------------------------


def mall_tables(since: date) -> dict[str, Table]:
    """Every table of the mall's report page, for the period from ``since``."""
    demand_days = selectors.demand_unmet_days(since=since)
    footfall_days = selectors.footfall_days(since=since)
    return {
        "demand": Table(
            "demand",
            "Wanted, and no shop had it",
            ["want", "times wanted", "times searched", "only similar", "last day"],
            [
                [w.want, w.wants, w.searches, w.similar_only, w.last_day.isoformat()]
                for w in selectors.demand_unmet_top(since=since, limit=1000)
            ],
        ),
        "demand_days": Table(
            "demand_days",
            "Unmet wants and searches per day",
            ["day", "wants", "searches"],
            [[day.isoformat(), wants, searches] for day, wants, searches in demand_days],
        ),
        "conversion": Table(
            "conversion",
            "Conversion per shop",
            ["shop", *EVENT_LABELS],
            [
                [shop.name, *counts.values()]
                for shop, counts in selectors.conversion_by_shop(since=since)
            ],
        ),
        "footfall": Table(
            "footfall",
            "Footfall per day",
            ["day", "sightings", "check-ins", "departures"],
            [[day.isoformat(), s, c, d] for day, s, c, d in footfall_days],
        ),
        "footfall_hours": Table(
            "footfall_hours",
            "Sightings per kiosk and hour of the day",
            ["kiosk", *(f"{hour}h" for hour in range(24))],
            [[name, *hours] for name, hours in selectors.footfall_heat(since=since)],
        ),
        "dwell": Table(
            "dwell",
            "How long shoppers stayed",
            ["stay (minutes)", "shoppers"],
            [[label, n] for label, n in selectors.dwell_distribution(since=since)],
        ),
    }


def mall_charts(since: date, tables: dict[str, Table]) -> dict[str, charts.Chart]:
    demand_days = tables["demand_days"].rows
    footfall = tables["footfall"].rows
    days = [_day(date.fromisoformat(row[0])) for row in demand_days]
    return {
        "demand": charts.bars(
            days,
            [("wants", [r[1] for r in demand_days]), ("searches", [r[2] for r in demand_days])],
            title="Unmet wants and searches per day",
        ),
        "cards": charts.funnel(
            selectors.card_funnel(since=since), title="Cards shown, taken, sold with a code"
        ),
        "holds": charts.funnel(
            selectors.hold_funnel(since=since), title="Holds made, sold, expired", of_first=True
        ),
        "footfall": charts.bars(
            [_day(date.fromisoformat(row[0])) for row in footfall],
            [
                ("sightings", [r[1] for r in footfall]),
                ("check-ins", [r[2] for r in footfall]),
                ("departures", [r[3] for r in footfall]),
            ],
            title="Sightings, check-ins and departures per day",
        ),
        "heat": charts.heat_strip(
            [(row[0], row[1:]) for row in tables["footfall_hours"].rows],
            title="Sightings per kiosk and hour of the day",
        ),
        "dwell": charts.bars(
            [row[0] for row in tables["dwell"].rows],
            [("shoppers", [row[1] for row in tables["dwell"].rows])],
            title="How long shoppers stayed, in minutes (first to last sighting)",
        ),
    }


def _with_csv(tables: dict[str, Table], url: Callable[[str], str], days: int) -> None:
    for table in tables.values():
        table.csv_url = f"{url(table.name)}?days={days}"


def admin_reports(request: HttpRequest) -> HttpResponse:
    """Mall staff's report page (wrapped by ``admin.site.admin_view`` in the URLs)."""
    try:
        days, since = _period(request)
    except BadPeriod as error:
        return _bad_period(error)
    tables = mall_tables(since)
    _with_csv(tables, lambda name: reverse("admin-report-csv", kwargs={"name": name}), days)
    context = {
        **admin.site.each_context(request),
        "title": "Reports",
        "access_log_days": settings.ACCESS_LOG_DAYS,
        "days": days,
        "periods": PERIODS,
        "since": since,
        "tables": tables,
        "charts": mall_charts(since, tables),
    }
    return render(request, "reports/admin_reports.html", context)


def admin_report_csv(request: HttpRequest, name: str) -> HttpResponse:
    try:
        days, since = _period(request)
    except BadPeriod as error:
        return _bad_period(error)
    table = mall_tables(since).get(name)
    if table is None:
        return JsonResponse(error_body("not_found", f"No report named {name!r}."), status=404)
    return csv_response(f"{name}-{since.isoformat()}-{days}d.csv", table.header, table.rows)


# A shop's own slice -------------------------------------------------------------------


def shop_tables(shop: Shop, since: date) -> dict[str, Table]:
    return {
        "demand": Table(
            "demand",
            "Wanted near your goods, and no shop had it",
            ["want", "times wanted", "times searched", "words in your stock", "last day"],
            [
                [w.want, w.wants, w.searches, " ".join(w.near), w.last_day.isoformat()]
                for w in selectors.demand_unmet_top(since=since, shop_id=shop.pk, limit=1000)
            ],
        ),
        "conversion": Table(
            "conversion",
            "Conversion per day",
            ["day", *EVENT_LABELS],
            [
                [day.isoformat(), *counts.values()]
                for day, counts in selectors.conversion_days(since=since, shop_id=shop.pk)
            ],
        ),
    }


def shop_charts(shop: Shop, since: date, tables: dict[str, Table]) -> dict[str, charts.Chart]:
    rows = tables["conversion"].rows
    shown = 1 + ConversionEvent.values.index(ConversionEvent.CARD_SHOWN)
    sold = 1 + ConversionEvent.values.index(ConversionEvent.SALE_WITH_CODE)
    totals = selectors.conversion_totals(since=since, shop_id=shop.pk)
    return {
        "days": charts.bars(
            [_day(date.fromisoformat(row[0])) for row in rows],
            [
                ("cards shown", [r[shown] for r in rows]),
                ("sales with a code", [r[sold] for r in rows]),
            ],
            title="Cards shown and sales with a code per day",
        ),
        "cards": charts.funnel(
            selectors.funnel_steps(totals, CARD_FUNNEL), title="Cards shown, taken, sold"
        ),
        "holds": charts.funnel(
            selectors.funnel_steps(totals, HOLD_FUNNEL),
            title="Holds made, sold, expired",
            of_first=True,
        ),
    }


def _clerk_shop(request: HttpRequest, slug: str) -> Shop | None:
    try:
        shop = shop_by_slug(slug)
    except NotFound:
        return None
    return shop if user_is_clerk_of(request.user, shop.pk) else None


@login_required
def shop_reports(request: HttpRequest, slug: str) -> HttpResponse:
    """A shop's own numbers: its funnel, its cards and sales per day, and the unmet wants
    near its goods."""
    shop = _clerk_shop(request, slug)
    if shop is None:
        return render(request, "stock/not_clerk.html", status=403)
    try:
        days, since = _period(request)
    except BadPeriod as error:
        return _bad_period(error)
    tables = shop_tables(shop, since)
    _with_csv(
        tables,
        lambda name: reverse("shop-report-csv", kwargs={"slug": shop.slug, "name": name}),
        days,
    )
    return render(
        request,
        "reports/shop_reports.html",
        {
            "shop": shop,
            "days": days,
            "periods": PERIODS,
            "since": since,
            "tables": tables,
            "charts": shop_charts(shop, since, tables),
        },
    )


@login_required
def shop_report_csv(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    shop = _clerk_shop(request, slug)
    if shop is None:
        return JsonResponse(error_body("forbidden", "Only clerks of this shop."), status=403)
    try:
        days, since = _period(request)
    except BadPeriod as error:
        return _bad_period(error)
    table = shop_tables(shop, since).get(name)
    if table is None:
        return JsonResponse(error_body("not_found", f"No report named {name!r}."), status=404)
    return csv_response(
        f"{shop.slug}-{name}-{since.isoformat()}-{days}d.csv", table.header, table.rows
    )
