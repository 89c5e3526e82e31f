"""Shopper pages: the entrance kiosk form (``/kiosk/``) and the phone page (``/me/``).

Views check input and call one service; the phone page's script then talks to the JSON API
(``/api/me/...``) with its paired session and to ``/ws/me/`` for the live list.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_http_methods

from core.api_errors import error_body
from core.errors import DomainError, NotFound
from core.parsers import json_loads
from core.throttles import form_throttle_wait
from customers.forms import RegistrationForm
from customers.pairing import (
    TICKET_MAX_AGE,
    PairingFailed,
    paired_customer,
    pairing_session_set,
    pairing_ticket_create,
    pairing_ticket_redeem,
)
from customers.services import Registration
from kiosks.models import Kiosk
from kiosks.selectors import kiosk_by_checkin_code, kiosk_for_entrance
from mall.floorplan import floor_name, list_pins
from mall.selectors import list_maps, retention_current, shops_all
from workflows.answers import me_answer
from workflows.shoppers import customer_register
from workflows.sightings import RegistrationAt, customer_checkin, customer_register_at

#: Session key of the kiosk's last registration, shown once by ``kiosk_done``.
KIOSK_RESULT = "kiosk_result"
#: Rows of wants the empty form starts with.
EMPTY_WANT_ROWS = 3


def _registration_page(
    request: HttpRequest, *, kiosk: Kiosk | None, template: str, context: dict[str, Any]
) -> tuple[HttpResponse | None, RegistrationAt | Registration | None]:
    """The registration form (entrance or phone): on a valid POST, the registration (at
    ``kiosk`` when there is one: a sighting there); else the page to render."""
    if request.method == "POST":
        # The same per-address limit, and counter, as ``POST /api/customers/``.
        wait = form_throttle_wait(request, "registration")
        if wait is not None:
            return _too_many(wait), None
    form = RegistrationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "desires": form.desires,
            "payment_method": data["payment_method"],
            "ranking": data["ranking"],
            "consent": data["consent"],
            "face_jpeg": data["face_image"],
        }
        try:
            if kiosk is None:
                return None, customer_register(**fields)
            return None, customer_register_at(kiosk=kiosk, radio=False, **fields)
        except DomainError as error:
            form.add_error("face_image" if "image" in error.code else None, error.message)
    empty_rows = 1 if context.get("on_phone") else EMPTY_WANT_ROWS
    rows = form.want_rows or [{"name": "", "keywords": "", "level": "3"}] * empty_rows
    page = render(
        request,
        template,
        {
            "form": form,
            "want_rows": [
                {**row, "error": form.want_errors.get(index, "")} for index, row in enumerate(rows)
            ],
            "levels": range(1, 6),
            "retention": retention_current(),
            **context,
        },
        status=400 if request.method == "POST" else 200,
    )
    return page, None


def _too_many(wait: float) -> HttpResponse:
    response = HttpResponse(
        f"Too many registrations from this address; try again in {wait:.0f} seconds.",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(int(wait) + 1)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def kiosk_form(request: HttpRequest) -> HttpResponse:
    """The entrance kiosk: wants, payment, ranking, and a photo only with consent.

    The page belongs to one entrance kiosk (``?kiosk=NAME``, else the kiosk mall staff
    marked as the entrance): registering is a sighting there, so the result page shows
    the ranked list at once.
    """
    name = request.GET.get("kiosk") or request.POST.get("kiosk") or ""
    kiosk = kiosk_for_entrance(name[:100] or None)
    page, made = _registration_page(
        request,
        kiosk=kiosk,
        template="customers/kiosk_form.html",
        context={
            "kiosk": kiosk,
            "kiosk_unknown": bool(name) and kiosk is None,
            # The search box ranks from the entrance kiosk (its check-in code is public).
            "entrance": {"checkin": kiosk.checkin_code} if kiosk else None,
        },
    )
    if page is not None:
        return page
    registration = made.registration if isinstance(made, RegistrationAt) else made
    assert registration is not None
    # Post/redirect/get: a reload of the result page cannot register twice, and the
    # result is shown once, then gone from this shared kiosk's session.
    request.session[KIOSK_RESULT] = {
        "code": registration.customer.code,
        "token": registration.token,
        "ticket": pairing_ticket_create(customer=registration.customer),
        "kiosk": kiosk.name if kiosk else "",
        "results": made.answer["results"] if isinstance(made, RegistrationAt) else None,
        "at": made.answer.get("at") if isinstance(made, RegistrationAt) else None,
    }
    return redirect("kiosk-done")


@never_cache
def kiosk_done(request: HttpRequest) -> HttpResponse:
    """The shopper's code, their ranked list, and the QR code that pairs their phone,
    shown once."""
    result = request.session.pop(KIOSK_RESULT, None)
    if result is None:
        return redirect("kiosk")
    # The ticket goes in the fragment: browsers never send it, so no log ever holds it.
    pair_url = f"{request.build_absolute_uri(reverse('me-pair'))}#{result['ticket']}"
    qr_svg = segno.make(pair_url, error="m").svg_inline(
        scale=5, border=2, dark="#111", omitsize=True
    )
    again = reverse("kiosk")
    if result.get("kiosk"):
        again += "?" + urlencode({"kiosk": result["kiosk"]})
    return render(
        request,
        "customers/kiosk_done.html",
        {
            "code": result["code"],
            "token": result["token"],
            "pair_url": pair_url,
            "qr_svg": qr_svg,
            "ticket_minutes": TICKET_MAX_AGE // 60,
            "results": _numbered(result.get("results")),
            "maps": list_maps(results=result.get("results") or [], at=result.get("at")),
            "again": again,
        },
    )


def _numbered(results: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """The list with each offer's pin number (``pin``) as its map shows it."""
    if results is None:
        return None
    numbers = {pin.slug: pin.number for pin in list_pins(results)}
    return [
        {**result, "offers": [{**o, "pin": numbers[o["shop"]["slug"]]} for o in result["offers"]]}
        for result in results
    ]


@never_cache
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, code: str) -> HttpResponse:
    """A kiosk's check-in QR code (``/here/<code>/``). A paired phone is sighted at the
    kiosk and lands on ``/me/``; an unpaired one can register right here, on the phone,
    and is then paired and checked in."""
    try:
        kiosk = kiosk_by_checkin_code(code[:40])
    except NotFound as error:
        return render(request, "customers/checkin_unknown.html", {"message": error}, status=404)
    customer = paired_customer(request.session)
    if customer is not None:
        customer_checkin(code=kiosk.checkin_code, customer=customer)
        return redirect("me")
    page, made = _registration_page(
        request,
        kiosk=kiosk,
        template="customers/kiosk_form.html",
        context={"kiosk": kiosk, "on_phone": True, "entrance": {"checkin": kiosk.checkin_code}},
    )
    if page is not None:
        return page
    assert isinstance(made, RegistrationAt)
    pairing_session_set(session=request.session, customer=made.registration.customer)
    return redirect("me")


@never_cache
@ensure_csrf_cookie
@require_http_methods(["GET", "POST"])
def me_pair(request: HttpRequest) -> HttpResponse:
    """GET: the page whose script reads the ticket from the URL fragment. POST (JSON
    ``{"ticket"}``): pair this session; the script then goes to ``/me/``."""
    if request.method == "GET":
        return render(request, "customers/me_pair.html")
    wait = form_throttle_wait(request, "pairing")
    if wait is not None:
        response = JsonResponse(
            error_body("throttled", f"Too many attempts; try again in {wait:.0f} s."), status=429
        )
        response["Retry-After"] = str(int(wait) + 1)
        return response
    try:
        ticket = str(json_loads(request.body or b"{}").get("ticket", ""))
    except (ValueError, AttributeError):
        ticket = ""
    try:
        customer = pairing_ticket_redeem(ticket=ticket, session=request.session)
    except PairingFailed as error:
        return JsonResponse(error_body(error.code, error.message), status=error.status)
    return JsonResponse({"code": customer.code, "next": reverse("me")})


@never_cache
@ensure_csrf_cookie
def me_page(request: HttpRequest) -> HttpResponse:
    """The phone page: the live ranked list, wants, sharing, requests, erasure."""
    customer = paired_customer(request.session)
    if customer is None:
        return render(request, "customers/me_unpaired.html")
    profile = me_answer(customer)
    looked_at_by = profile.pop("looked_at_by")
    return render(
        request,
        "customers/me.html",
        {
            "customer": customer,
            "profile": json.loads(json.dumps(profile, default=str)),
            "shops": [
                {"slug": s.slug, "name": s.name, "where": floor_name(s.floor)} for s in shops_all()
            ],
            "page": {"grace_minutes": max(1, round(settings.DEPARTURE_GRACE / 60))},
            "looked_at_by": looked_at_by,
        },
    )
