"""Clerk pages: the dashboard (``/shop/``), the shop-floor screen, and the CSV upload.

The dashboard's script does the rest through the JSON API (stock, sales, shares, requests)
with the clerk's session and CSRF token, and listens on ``/ws/shops/<slug>/``.
"""

from __future__ import annotations

import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.api_errors import error_body
from core.errors import DomainError, NotFound
from core.handlers import off_views_thread
from kiosks.selectors import kiosk_checkin_path, kiosks_of_shop
from mall.models import Shop
from mall.selectors import shop_by_slug, shops_of_clerk, user_is_clerk_of
from stock.imports import stock_csv_parse
from workflows.answers import shop_demand_missing
from workflows.restock import stock_items_sync

#: Largest CSV a clerk may upload from the dashboard (the command has no such limit).
UPLOAD_MAX_BYTES = 5 * 1024 * 1024
#: Bad lines named in the answer (all are counted), and characters of each message.
ERRORS_LISTED = 100
ERROR_CHARS = 300


def _clerk_shop(request: HttpRequest, slug: str) -> Shop | None:
    """The shop of ``slug`` if the logged-in user clerks for it, else None."""
    try:
        shop = shop_by_slug(slug)
    except NotFound:
        return None
    return shop if user_is_clerk_of(request.user, shop.pk) else None


def _not_your_shop(request: HttpRequest) -> HttpResponse:
    return render(request, "stock/not_clerk.html", status=403)


@login_required
def shop_home(request: HttpRequest) -> HttpResponse:
    """Straight to the dashboard of a clerk's one shop; a choice for several."""
    shops = shops_of_clerk(request.user)
    if len(shops) == 1:
        return redirect("shop-dashboard", slug=shops[0].slug)
    if not shops:
        return _not_your_shop(request)
    return render(request, "stock/shop_choose.html", {"shops": shops})


@login_required
def shop_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """Live cards, sale, look-up, stock and requests of one shop."""
    shop = _clerk_shop(request, slug)
    if shop is None:
        return _not_your_shop(request)
    return render(
        request,
        "stock/dashboard.html",
        {
            "shop": shop,
            "page": {"slug": shop.slug, "name": shop.name},
            "missing": shop_demand_missing(shop_id=shop.pk),
        },
    )


@login_required
def shop_screen(request: HttpRequest, slug: str) -> HttpResponse:
    """Full-screen live cards, for a display facing the shop floor."""
    shop = _clerk_shop(request, slug)
    if shop is None:
        return _not_your_shop(request)
    kiosk = next(iter(kiosks_of_shop(shop.pk)), None)
    checkin_url = checkin_svg = None
    if kiosk is not None:
        checkin_url = request.build_absolute_uri(kiosk_checkin_path(kiosk))
        checkin_svg = segno.make(checkin_url, error="m").svg_inline(
            scale=4, border=2, omitsize=True
        )
    return render(
        request,
        "stock/screen.html",
        {
            "shop": shop,
            "page": {"slug": shop.slug, "name": shop.name},
            "checkin_url": checkin_url,
            "checkin_svg": checkin_svg,
        },
    )


@off_views_thread("imports")
@login_required
@require_POST
def stock_import(request: HttpRequest, slug: str) -> JsonResponse:
    """A CSV upload from the dashboard: every bad line named, nothing imported if any.

    Same checks as ``manage.py import_stock`` (``stock.imports``); the ``shop`` column may
    be left out, and where given must be this shop.
    """
    shop = _clerk_shop(request, slug)
    if shop is None:
        return JsonResponse(error_body("forbidden", "Only clerks of this shop."), status=403)
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse(error_body("invalid", "Choose a CSV file."), status=400)
    if (upload.size or 0) > UPLOAD_MAX_BYTES:
        return JsonResponse(error_body("invalid", "The file is larger than 5 MB."), status=400)
    parsed = stock_csv_parse(upload.read(), shop=shop)
    if parsed.errors:
        listed = parsed.errors[:ERRORS_LISTED]
        more = len(parsed.errors) - len(listed)
        body = error_body(
            "invalid_lines",
            (
                "1 line of the file has a problem"
                if len(parsed.errors) == 1
                else f"{len(parsed.errors)} lines of the file have a problem"
            )
            + "; nothing was imported. Fix them and upload the file again."
            + (f" The first {len(listed)} are listed." if more else ""),
            [{"line": e.line, "message": e.message[:ERROR_CHARS]} for e in listed],
        )
        return JsonResponse(body, status=400)
    if not parsed.rows:
        return JsonResponse(error_body("invalid", "The file has no items."), status=400)
    try:
        report = stock_items_sync(rows=parsed.rows)
    except DomainError as error:
        return JsonResponse(error_body(error.code, error.message), status=error.status)
    return JsonResponse(
        {"imported": report.imported, "created": report.created, "updated": report.updated}
    )
